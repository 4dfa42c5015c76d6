// Fuzz target: audio bytes → libsndfile (virtual I/O) → mix-down and resampling → features.
// A thrown AudioError is the right answer to a bad file; a crash, leak, hang or huge allocation is a bug.
import CochleaAudio
import CochleaFeatures
import Foundation

/// MFCC with per-utterance CMVN and deltas, as the default model's pipeline computes them.
let extractor = try! PipelineExtractor(FeaturePipeline(
    options: .kaldiMFCC, normalization: .meanVariance, deltas: DeltaOptions(), stacking: FrameStacking(count: 3, stride: 3)))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let clip = try? AudioDecoder.decode(data: bytes, name: "fuzz", sampleRate: AudioDecoder.defaultSampleRate) else {
        return 0
    }
    _ = extractor.features(of: clip.samples)
    return 0
}
