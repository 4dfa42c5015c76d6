// Fuzz target: a model folder's config.json and model.safetensors → AcousticModel.decode → one
// short forward pass. The input is the config, a line "---", then the safetensors bytes.
// A thrown ModelError is the right answer to a bad model; a crash, leak, hang or huge allocation is a bug.
import CochleaFeatures
import CochleaModel
import Foundation

let separator = Array("\n---\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let cut = bytes.firstRange(of: separator) else { return 0 }
    let config = Data(bytes[..<cut.lowerBound]), weights = Data(bytes[cut.upperBound...])
    guard let model = try? AcousticModel.decode(config: config, weights: weights, folder: "fuzz") else { return 0 }
    // A loaded model must run: features of 0.1 s of a tone, then the network.
    let features = model.config.features
    let rate = features.options.sampleRate
    let samples = (0..<rate / 10).map { Float(0.1 * sin(Double($0) * 0.3)) }
    let matrix = try! PipelineExtractor(features).features(of: samples)
    guard matrix.frames > 0 else { return 0 }
    let network = model.makeNetwork()
    network.threads = 1
    matrix.values.withUnsafeBufferPointer { x in
        _ = network.forward(input: x.baseAddress!, steps: matrix.frames, batch: 1, lengths: [matrix.frames])
    }
    return 0
}
