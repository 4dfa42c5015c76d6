import CochleaCore
import Foundation

/// An utterance that will be used, with its label sequence.
public struct PlannedUtterance: Sendable {
    public var utterance: Utterance
    public var target: [Int32]

    /// Frames CTC needs for the target: one per token, and a blank between each repeated pair.
    public var minimumFrames: Int { Self.minimumFrames(target) }

    /// Frames CTC needs for `target`.
    static func minimumFrames(_ target: [Int32]) -> Int { target.count + zip(target, target.dropFirst()).filter { $0 == $1 }.count }
}

/// The dataset turned into what training uses: the three splits, each entry checked and encoded,
/// and every problem found on the way (each entry skipped, never silently).
public struct TrainingSet {
    public var train: [PlannedUtterance] = []
    public var validation: [PlannedUtterance] = []
    public var test: [PlannedUtterance] = []
    public var tokenizer: Tokenizer
    public var problems: [DatasetProblem]

    /// Splits, builds (or reuses) the token set, and checks every transcript.
    public init(dataset: Dataset, options: TrainingOptions, tokens: [String]? = nil) {
        var dataset = dataset
        dataset.removeDuplicates()
        problems = dataset.problems
        var train = dataset.split(.train), validation = dataset.split(.validation)
        let test = dataset.split(.test)
        if validation.isEmpty && options.validationFraction > 0 {
            // Hold out whole speakers when the layout names them, so validation hears new voices.
            let threshold = UInt64(options.validationFraction * 1_000_000)
            let held = train.filter { TrainingSet.hash(($0.speaker ?? $0.holdOutKey) + "\(options.seed)") % 1_000_000 < threshold }
            let heldIDs = Set(held.map(\.id))
            validation = held.map { var u = $0; u.split = .validation; return u }
            train.removeAll { heldIDs.contains($0.id) }
        }
        var keptProblems = problems
        func clean(_ utterances: [Utterance]) -> [Utterance] {
            utterances.compactMap { u in
                var u = u
                if u.transcript.isEmpty {
                    keptProblems.append(DatasetProblem(kind: .emptyTranscript, location: u.source, detail: ""))
                    return nil
                }
                let unknown = u.transcript.filter { !Tokenizer.isTokenCharacter($0) }
                if !unknown.isEmpty {
                    guard options.unknownCharacters == .drop else {
                        keptProblems.append(DatasetProblem(kind: .unknownCharacters, location: u.source,
                                                           detail: "\(TrainingSet.quote(unknown)) in \"\(u.transcript)\" (--unknown-characters drop removes them)"))
                        return nil
                    }
                    u.transcript = DatasetLoader.normalize(String(u.transcript.filter(Tokenizer.isTokenCharacter)))
                    if u.transcript.isEmpty {
                        keptProblems.append(DatasetProblem(kind: .emptyTranscript, location: u.source, detail: "nothing left after dropping \(TrainingSet.quote(unknown))"))
                        return nil
                    }
                }
                return u
            }
        }
        let cleanTrain = clean(train), cleanValidation = clean(validation), cleanTest = clean(test)
        tokenizer = tokens.map(Tokenizer.init) ?? Tokenizer.build(from: cleanTrain.map(\.transcript))
        let tokenizer = self.tokenizer
        let tokenSet = tokens == nil ? "the training transcripts' token set" : "the model's token set"
        func encode(_ utterances: [Utterance]) -> [PlannedUtterance] {
            utterances.compactMap { u in
                guard let target = tokenizer.encode(u.transcript) else {
                    keptProblems.append(DatasetProblem(kind: .unknownCharacters, location: u.source,
                                                       detail: "\(TrainingSet.quote(String(tokenizer.unknownCharacters(in: u.transcript)))) not in \(tokenSet)"))
                    return nil
                }
                return PlannedUtterance(utterance: u, target: target)
            }
        }
        self.train = encode(cleanTrain)
        self.validation = encode(cleanValidation)
        self.test = encode(cleanTest)
        problems = keptProblems
    }

    public var all: [PlannedUtterance] { train + validation + test }

    /// Training transcripts with at most this many distinct words make a keyword model, whose
    /// config lists them as its vocabulary.
    public static let keywordVocabularyLimit = 500

    static func quote(_ characters: String) -> String {
        "'" + characters.map { $0 == "\t" ? "\\t" : String($0) }.joined() + "'"
    }

    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
