import CochleaCore
import CochleaFeatures
import CochleaModel
import CochleaNN
import CochleaTestSupport
import Foundation
import XCTest

final class ModelFileTests: XCTestCase {
    let folder = TemporaryDirectory()

    func smallModel() -> AcousticModel {
        let shape = NetworkShape(inputSize: 13, hiddenSize: 4, layers: 2, classes: 29)
        var pipeline = FeaturePipeline()
        pipeline.options.useEnergy = false
        let config = ModelConfig(features: pipeline, network: shape, tokens: ModelConfig.englishCharacters)
        return AcousticModel(config: config, parameters: AcousticNetwork<Float>(shape: shape, seed: 1).parameterValues)
    }

    func testSaveLoadRoundTrip() throws {
        let model = smallModel()
        try model.save(to: folder.path)
        let loaded = try AcousticModel.load(from: folder.path)
        XCTAssertEqual(loaded.config, model.config)
        XCTAssertEqual(loaded.parameters, model.parameters)
    }

    func testThePyTorchReferenceWeightsLoadUnderTheirNames() throws {
        let file = try SafeTensors.read(Fixtures.path("lstm/weights.safetensors"))
        let shape = NetworkShape(inputSize: 39, hiddenSize: 16, layers: 2, classes: 29)
        let parameters = try AcousticModel.parameters(from: file, network: shape, path: "weights.safetensors")
        XCTAssertEqual(parameters.count, ParameterLayout(shape).count)
        XCTAssertEqual(parameters[0], Float(file.tensors["lstm.weight_ih_l0"]!.values[0]))
    }

    /// Each way a model folder can be broken, with the words the error must contain.
    func testBrokenModelsFailWithAClearError() throws {
        let model = smallModel()
        let weights = model.weightsData()
        let config = try model.configData()
        let configText = String(decoding: config, as: UTF8.self)
        let layout = ParameterLayout(model.config.network)
        func tensors(_ change: (inout [(name: String, shape: [Int], values: [Float])]) -> Void) -> Data {
            var list: [(name: String, shape: [Int], values: [Float])] = layout.entries.map { ($0.name, $0.shape, Array(model.parameters[$0.offset..<($0.offset + $0.count)])) }
            change(&list)
            return SafeTensors.encode(list)
        }
        var header = [UInt8](weights)
        header.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0])
        var beyond = [UInt8](weights)
        beyond.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(weights.count).littleEndian) { Array($0) })
        let cases: [(String, Data, Data, String)] = [
            ("truncated weights", config, weights.prefix(weights.count - 100), "file truncated"),
            ("header beyond file", config, Data(beyond), "runs past the end"),
            ("absurd header", config, Data(header), "absurd"),
            ("not JSON header", config, Data([8, 0, 0, 0, 0, 0, 0, 0] + Array("{{{{{{{{".utf8)), "not valid JSON"),
            ("missing tensor", config, tensors { $0.removeLast() }, "output.bias is missing"),
            ("extra tensor", config, tensors { $0.append(("lstm.weight_ih_l9", [1], [0])) }, "unexpected tensors lstm.weight_ih_l9"),
            ("wrong shape", config, tensors { $0[0].shape = [13, 16] }, "has shape [13, 16]"),
            ("NaN weight", config, tensors { $0[1].values[0] = .nan }, "NaN"),
            ("config shape mismatch", Data(configText.replacingOccurrences(of: "\"hiddenSize\" : 4", with: "\"hiddenSize\" : 8").utf8), weights, "shape"),
            ("newer format", Data(configText.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 7").utf8), weights, "newer than this Cochlea"),
            ("bad JSON config", Data("{\"formatVersion\": 1,".utf8), weights, "not valid JSON"),
            ("missing key", Data(configText.replacingOccurrences(of: "\"tokens\"", with: "\"tokenz\"").utf8), weights, "missing key tokens"),
            ("token count", Data(configText.replacingOccurrences(of: "\"z\"", with: "\"zz\", \"q2\"").utf8), weights, "30 tokens"),
            ("absurd sizes", Data(configText.replacingOccurrences(of: "\"layers\" : 2", with: "\"layers\" : 100000").utf8), weights, "layers must be"),
        ]
        for (name, configData, weightsData, message) in cases {
            let path = folder.file(name.replacingOccurrences(of: " ", with: "-"))
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try configData.write(to: URL(fileURLWithPath: path + "/config.json"))
            try weightsData.write(to: URL(fileURLWithPath: path + "/model.safetensors"))
            XCTAssertThrowsError(try AcousticModel.load(from: path), name) { error in
                XCTAssertTrue("\(error)".contains(message), "\(name): \(error)")
                XCTAssertTrue("\(error)".hasPrefix(path), "\(name) names the file: \(error)")
            }
        }
        XCTAssertThrowsError(try AcousticModel.load(from: folder.file("nowhere"))) { error in
            XCTAssertTrue("\(error)".contains("no such model"), "\(error)")
        }
    }
}
