import CochleaFeatures
import CochleaNN
import Foundation

/// Everything but the weights: how audio becomes features, the network's sizes, and the tokens its
/// outputs stand for. Stored as `config.json` beside `model.safetensors`.
public struct ModelConfig: Codable, Equatable, Sendable {
    /// Version of this file's layout; a newer one than `ModelConfig.formatVersion` is refused.
    public var formatVersion: Int
    public var features: FeaturePipeline
    public var network: NetworkShape
    /// Output classes in order; index 0 is the CTC blank.
    public var tokens: [String]
    /// Free-form facts about how the model was made (corpus, epochs, WER), for people.
    public var notes: [String: String]
    /// The words of the training transcripts, when they are few (a keyword model). Decoding then
    /// keeps to them unless told otherwise: a character model trained on 20 words spells little
    /// else well, and forcing its output onto real words halves its word error rate.
    public var vocabulary: [String]?

    public static let formatVersion = 1

    public init(features: FeaturePipeline, network: NetworkShape, tokens: [String], notes: [String: String] = [:]) {
        formatVersion = Self.formatVersion
        self.features = features
        self.network = network
        self.tokens = tokens
        self.notes = notes
    }

    /// The character tokens Cochlea trains with: blank, space, apostrophe, a–z.
    public static let englishCharacters = ["<blank>", " ", "'"] + "abcdefghijklmnopqrstuvwxyz".map(String.init)

    public func validate(path: String) throws {
        func fail(_ reason: String) -> ModelError { .invalidConfig(path: path, reason: reason) }
        guard formatVersion >= 1 else { throw fail("formatVersion \(formatVersion) is not a Cochlea model format") }
        guard formatVersion <= Self.formatVersion else {
            throw fail("formatVersion \(formatVersion) is newer than this Cochlea understands (\(Self.formatVersion)); upgrade Cochlea")
        }
        do { try network.validate() } catch { throw fail("\(error)") }
        do { try features.validate() } catch { throw fail("\(error)") }
        guard features.dimension == network.inputSize else {
            throw fail("the features give \(features.dimension) values per frame but the network expects \(network.inputSize)")
        }
        guard tokens.count == network.classes else {
            throw fail("\(tokens.count) tokens for a network with \(network.classes) output classes")
        }
        guard Set(tokens).count == tokens.count else { throw fail("tokens are not unique") }
        guard tokens.dropFirst().allSatisfy({ !$0.isEmpty }) else { throw fail("a token other than the blank is empty") }
        if let vocabulary {
            let spellable = Set(tokens.dropFirst().filter { $0 != " " })
            for word in vocabulary where word.isEmpty || !word.allSatisfy({ spellable.contains(String($0)) }) {
                throw fail("vocabulary word '\(word)' cannot be spelled with the model's tokens")
            }
        }
    }
}

/// Why a model could not be loaded or saved.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case invalidConfig(path: String, reason: String)
    case invalidWeights(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): no such model file (a model folder holds config.json and model.safetensors)"
        case .invalidConfig(let path, let reason): return "\(path): invalid model config: \(reason)"
        case .invalidWeights(let path, let reason): return "\(path): invalid model weights: \(reason)"
        }
    }
}
