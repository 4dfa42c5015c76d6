import CochleaCore
import CochleaTestSupport
import CochleaFeatures
import CochleaModel
import CochleaNN
import Foundation
import XCTest

/// Models that crashed the model fuzz target (scripts/fuzz.sh model), or that reading the code
/// beside it showed to misbehave. Each must now fail with a typed error naming the file.
final class ModelFuzzFindingsTests: XCTestCase {
    func tinyModel() -> AcousticModel {
        let shape = NetworkShape(inputSize: 13, hiddenSize: 2, layers: 1, classes: 3)
        let config = ModelConfig(features: FeaturePipeline(), network: shape, tokens: ["<blank>", "a", "b"])
        return AcousticModel(config: config, parameters: AcousticNetwork<Float>(shape: shape, seed: 1).parameterValues)
    }

    func configText(_ model: AcousticModel) throws -> String { String(decoding: try model.configData(), as: UTF8.self) }

    /// model (a hand-made input): `"frameLengthMs" : 1e300` trapped converting the frame length to samples.
    func testAFrameLengthBeyondAnIntIsAnInvalidConfig() throws {
        let model = tinyModel()
        let config = try configText(model).replacingOccurrences(of: "\"frameLengthMs\" : 25", with: "\"frameLengthMs\" : 1e300")
        XCTAssertThrowsError(try AcousticModel.decode(config: Data(config.utf8), weights: model.weightsData(), folder: "m")) { error in
            guard case ModelError.invalidConfig(let path, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "m/config.json")
            XCTAssertTrue(reason.contains("frame length"), reason)
        }
    }

    /// Read beside it: room for every parameter the config promises (up to two billion, 8 GB) was
    /// reserved before the tensors were checked, so a config alone could ask for gigabytes.
    func testTensorsAreCheckedBeforeTheParametersAreAllocated() throws {
        let model = tinyModel()
        let shape = NetworkShape(inputSize: 13, hiddenSize: 15_000, layers: 1, classes: 3)
        XCTAssertNoThrow(try shape.validate(), "a size the config check lets through")
        XCTAssertGreaterThan(ParameterLayout(shape).count, 1_000_000_000)
        let file = try SafeTensors.decode(model.weightsData())
        XCTAssertThrowsError(try AcousticModel.parameters(from: file, network: shape, path: "w")) { error in
            XCTAssertTrue("\(error)".contains("lstm.weight_ih_l0 has shape [8, 13]"), "\(error)")
        }
    }

    /// decode(config:weights:) reads what save(to:) writes, as load(from:) does.
    func testDecodingBytesMatchesLoadingTheFolder() throws {
        let model = tinyModel()
        let decoded = try AcousticModel.decode(config: try model.configData(), weights: model.weightsData())
        XCTAssertEqual(decoded.config, model.config)
        XCTAssertEqual(decoded.parameters, model.parameters)
        XCTAssertThrowsError(try AcousticModel.decode(config: try model.configData(), weights: Data([1, 2, 3]), folder: "m")) { error in
            XCTAssertTrue("\(error)".hasPrefix("m/model.safetensors: invalid model weights"), "\(error)")
        }
    }
}

final class ModelFuzzCorpusTests: XCTestCase {
    func testModelSeedsAreWhatTheirNamesSay() throws {
        let seeds = try FuzzCorpus.seeds("model")
        XCTAssertGreaterThan(seeds.count, 5)
        for seed in seeds {
            let parts = FuzzCorpus.parts(seed.data, maximum: 2)
            XCTAssertEqual(parts.count, 2, seed.name)
            do {
                _ = try AcousticModel.decode(config: parts[0], weights: parts[1], folder: seed.name)
                XCTAssertFalse(seed.isBroken, "\(seed.name) loaded")
            } catch let error as ModelError {
                XCTAssertTrue(seed.isBroken, "\(seed.name): \(error)")
            }
        }
    }
}
