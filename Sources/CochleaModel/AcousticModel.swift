import CochleaCore
import CochleaLinalg
import CochleaNN
import Foundation

/// A trained model: its config and its network's weights. On disk, a folder with `config.json` and
/// `model.safetensors`, whose tensors carry PyTorch's names (`lstm.weight_ih_l0`, ...,
/// `output.weight`, `output.bias`) so that `torch.nn.LSTM` + `torch.nn.Linear` load them with
/// `load_state_dict`, and weights trained in PyTorch under those names run here.
public struct AcousticModel {
    public var config: ModelConfig
    /// The weights in `ParameterLayout(config.network)` order.
    public var parameters: [Float]

    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"

    public init(config: ModelConfig, parameters: [Float]) {
        precondition(parameters.count == ParameterLayout(config.network).count)
        self.config = config
        self.parameters = parameters
    }

    /// A network holding these weights, ready to run (prepared for inference: see
    /// `AcousticNetwork.prepareForInference()`).
    public func makeNetwork() -> AcousticNetwork<Float> {
        let network = AcousticNetwork(shape: config.network, parameters: parameters)
        network.prepareForInference()
        return network
    }

    /// Loads and validates a model folder: the config (format version, sizes, features, tokens) and
    /// every tensor (present, no extras, floating dtype, shape as the config says, finite values).
    public static func load(from folder: String) throws -> AcousticModel {
        let configPath = (folder as NSString).appendingPathComponent(configFile)
        let weightsPath = (folder as NSString).appendingPathComponent(weightsFile)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else { throw ModelError.missing(path: folder) }
        guard isDirectory.boolValue else {
            throw ModelError.invalidConfig(path: folder, reason: "is a file; give the model's folder (config.json and model.safetensors)")
        }
        guard let configData = FileManager.default.contents(atPath: configPath) else { throw ModelError.missing(path: configPath) }
        let config = try decodeConfig(configData, path: configPath)
        guard FileManager.default.fileExists(atPath: weightsPath) else { throw ModelError.missing(path: weightsPath) }
        let file: SafeTensorsFile
        do {
            file = try SafeTensors.read(weightsPath)
        } catch let error as SafeTensorsError {
            throw invalidWeights(error, path: weightsPath)
        }
        return AcousticModel(config: config, parameters: try parameters(from: file, network: config.network, path: weightsPath))
    }

    /// As `load(from:)`, for the bytes of `config.json` and `model.safetensors` held in memory;
    /// `folder` only names the files in errors.
    public static func decode(config configData: Data, weights weightsData: Data, folder: String = "<memory>") throws -> AcousticModel {
        let configPath = (folder as NSString).appendingPathComponent(configFile)
        let weightsPath = (folder as NSString).appendingPathComponent(weightsFile)
        let config = try decodeConfig(configData, path: configPath)
        let file: SafeTensorsFile
        do {
            file = try SafeTensors.decode(weightsData, path: weightsPath)
        } catch let error as SafeTensorsError {
            throw invalidWeights(error, path: weightsPath)
        }
        return AcousticModel(config: config, parameters: try parameters(from: file, network: config.network, path: weightsPath))
    }

    /// The config in `data`, decoded and validated.
    static func decodeConfig(_ data: Data, path: String) throws -> ModelConfig {
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: data)
        } catch let error as DecodingError {
            throw ModelError.invalidConfig(path: path, reason: describe(error))
        }
        try config.validate(path: path)
        return config
    }

    private static func invalidWeights(_ error: SafeTensorsError, path: String) -> ModelError {
        .invalidWeights(path: path, reason: "\(error)".replacingOccurrences(of: path + ": ", with: ""))
    }

    /// The weights of `file` in layout order, after checking every tensor against `network`.
    public static func parameters(from file: SafeTensorsFile, network: NetworkShape, path: String) throws -> [Float] {
        func fail(_ reason: String) -> ModelError { .invalidWeights(path: path, reason: reason) }
        let layout = ParameterLayout(network)
        let expected = Set(layout.entries.map(\.name))
        let extra = file.tensors.keys.filter { !expected.contains($0) }.sorted()
        guard extra.isEmpty else { throw fail("unexpected tensors \(extra.joined(separator: ", ")) for this config") }
        // Every tensor is checked before anything is allocated for the parameters: the config alone
        // can ask for two billion of them.
        for entry in layout.entries {
            guard let tensor = file.tensors[entry.name] else { throw fail("tensor \(entry.name) is missing") }
            guard ["F32", "F64", "F16", "BF16"].contains(tensor.dtype) else {
                throw fail("tensor \(entry.name) has dtype \(tensor.dtype); weights must be floating point")
            }
            guard tensor.shape == entry.shape else {
                throw fail("tensor \(entry.name) has shape \(tensor.shape); the config's sizes need \(entry.shape)")
            }
            guard tensor.values.allSatisfy(\.isFinite) else { throw fail("tensor \(entry.name) holds NaN or infinite values") }
        }
        var values = [Float]()
        values.reserveCapacity(layout.count)
        for entry in layout.entries { values += file.tensors[entry.name]!.values.map(Float.init) }
        return values
    }

    /// Writes `model.safetensors`, then `config.json`, into `folder` (created if needed), each
    /// atomically. The config goes last because it marks the folder as a model: a crash between the
    /// two leaves no config (first save) or the previous one, whose sizes and tokens the new weights
    /// share, so a folder with a config always loads.
    public func save(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try AtomicFile.write(weightsData(), to: (folder as NSString).appendingPathComponent(Self.weightsFile))
        try AtomicFile.write(configData(), to: (folder as NSString).appendingPathComponent(Self.configFile))
    }

    public func configData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(config)
    }

    public func weightsData(metadata: [String: String] = ["format": "pt"]) -> Data {
        let layout = ParameterLayout(config.network)
        return SafeTensors.encode(layout.entries.map { entry in
            (entry.name, entry.shape, Array(parameters[entry.offset..<(entry.offset + entry.count)]))
        }, metadata: metadata)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context.codingPath))"
        case .keyNotFound(let key, let context): return "missing key \(path(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type at \(path(context.codingPath))"
        @unknown default: return "\(error)"
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
