import ArgumentParser
import CochleaDecoding
import CochleaModel
import CochleaRecognition
import Foundation

enum DecoderKind: String, ExpressibleByArgument, CaseIterable {
    case greedy, beam
}

/// How `transcribe` and `evaluate` turn log-probabilities into words (and how much silence, if
/// any, they put around each recording before computing them). A keyword model (one whose
/// config lists a vocabulary) is decoded by a beam search over its words unless --decoder greedy,
/// --open-vocabulary, --keywords or --lexicon says otherwise; any other model greedily unless a
/// beam-search option is given (or --decoder beam). Defaults are `BeamSearchOptions`'s.
struct DecodingArguments: ParsableArguments {
    @Option(help: "greedy or beam. Any option below implies beam. (default: beam over the words of a keyword model, greedy otherwise)")
    var decoder: DecoderKind?
    @Option(help: "Beam width: hypotheses kept per frame. (default: 16)")
    var beam: Int?
    @Option(name: .customLong("top-k"), help: "Consider only the k most probable tokens per frame. (default: all)")
    var topK: Int?
    @Option(help: "Skip tokens whose natural-log probability at a frame is below this, e.g. -5. (default: none)")
    var tokenThreshold: Float?
    @Option(help: "Drop hypotheses more than this many nats below the best. (default: 50)")
    var beamThreshold: Float?
    @Option(help: "Also report the N best texts with their scores (JSON: \"nbest\"). (default: 1)")
    var nbest: Int?
    @Option(help: "Only these comma-separated words may be output, e.g. yes,no,up.")
    var keywords: String?
    @Option(help: "Only the words of this file (one per line) may be output.")
    var lexicon: String?
    @Option(help: "Words with a confidence (0–1) below this come out as <unk>; with --keywords or --lexicon, speech that no word fits too.")
    var unknownThreshold: Double?
    @Option(help: "Word n-gram language model in ARPA format (KenLM, SRILM).")
    var lm: String?
    @Option(help: "Language model weight α: each word adds α·ln P(word | history). (default: 0.5)")
    var lmWeight: Float?
    @Option(help: "Word insertion bonus β, added per word. (default: 0)")
    var wordBonus: Float?
    @Option(name: .customLong("hotword"), help: "Favour WORD, optionally with a weight in nats: --hotword yes:2.5 (repeatable; default weight 3).")
    var hotwords: [String] = []
    @Option(help: "Seconds of digital silence put before and after each recording before it is recognised, for clips cut close around their words (tightly edited datasets such as FSDD), e.g. 0.2; or auto: 0.2 s around the recordings that start in their speech only (their first 30 ms at least 3 dB above their quiet level and within 20 dB of their loudest). Clips with a pause around them need none, and a noisy pause then silence reads worse. 0 pads nothing. Word times stay the recording's. (default: auto)")
    var pad: PadSetting?
    /// What `--pad` asks for; `auto` unless given.
    var padding: PadSetting { pad ?? .auto }
    @Flag(help: "Do not keep to the model's own vocabulary (a keyword model lists the words it was trained on, and by default only those are output).")
    var openVocabulary = false
    @Flag(help: "Each recording holds exactly one word of the word list (the model's vocabulary, --keywords or --lexicon), as Speech Commands' clips do: output the word most likely over the whole recording (CTC), never a sequence. Takes --nbest and --unknown-threshold (the word's share of the list's probability).")
    var oneWord = false

    /// True when decoding is a beam search without the model's vocabulary in view.
    var usesBeam: Bool { decoder == .beam || (decoder == nil && !beamOptionsGiven.isEmpty) }

    /// True when a model's own vocabulary (if it has one) constrains decoding: nothing asked for
    /// greedy decoding, free spelling or another word list.
    var keepsToModelVocabulary: Bool { decoder != .greedy && !openVocabulary && keywords == nil && lexicon == nil }

    /// The beam-search options given, by flag name.
    var beamOptionsGiven: [String] {
        var given = [String]()
        if beam != nil { given.append("--beam") }
        if topK != nil { given.append("--top-k") }
        if tokenThreshold != nil { given.append("--token-threshold") }
        if beamThreshold != nil { given.append("--beam-threshold") }
        if nbest != nil { given.append("--nbest") }
        if keywords != nil { given.append("--keywords") }
        if lexicon != nil { given.append("--lexicon") }
        if unknownThreshold != nil { given.append("--unknown-threshold") }
        if lm != nil { given.append("--lm") }
        if lmWeight != nil { given.append("--lm-weight") }
        if wordBonus != nil { given.append("--word-bonus") }
        if !hotwords.isEmpty { given.append("--hotword") }
        return given
    }

    var options: BeamSearchOptions {
        var o = BeamSearchOptions()
        if let beam { o.beamWidth = beam }
        o.tokensPerFrame = topK
        o.tokenThreshold = tokenThreshold
        if let beamThreshold { o.beamThreshold = beamThreshold }
        if let nbest { o.nbest = nbest }
        if let lmWeight { o.languageModelWeight = lmWeight }
        if let wordBonus { o.wordBonus = wordBonus }
        o.unknownThreshold = unknownThreshold
        return o
    }

    /// Options a one-word decoding has no use for: it scores whole words, not a search's hypotheses.
    var searchOnlyOptionsGiven: [String] {
        beamOptionsGiven.filter { !["--nbest", "--keywords", "--lexicon", "--unknown-threshold"].contains($0) }
    }

    /// Checks that need no model: numbers in range, options that fit together.
    func validate() throws {
        if case .seconds(let pad) = pad, !(0...10).contains(pad) { throw ValidationError("--pad must be auto or between 0 and 10 seconds, got \(pad)") }
        if oneWord {
            if decoder != nil { throw ValidationError("--one-word is its own decoding; drop --decoder") }
            if !searchOnlyOptionsGiven.isEmpty {
                throw ValidationError("\(searchOnlyOptionsGiven.joined(separator: ", ")) tune a beam search; --one-word scores each listed word whole")
            }
            if let nbest, nbest < 1 { throw ValidationError("--nbest must be at least 1, got \(nbest)") }
            if let unknownThreshold, !(0...1).contains(unknownThreshold) {
                throw ValidationError("--unknown-threshold must be between 0 and 1, got \(unknownThreshold)")
            }
        }
        if decoder == .greedy, !beamOptionsGiven.isEmpty {
            throw ValidationError("\(beamOptionsGiven.joined(separator: ", ")) need a beam search; drop --decoder greedy")
        }
        if keywords != nil && lexicon != nil { throw ValidationError("give --keywords or --lexicon, not both") }
        if let keywords { _ = try parse("--keywords") { try WordList.parse(commaSeparated: keywords) } }
        for hotword in hotwords { _ = try parse("--hotword") { try Hotwords.parseEntry(hotword) } }
        guard usesBeam, !oneWord else { return }
        do {
            try options.validate()
        } catch let error as BeamSearchOptionsError {
            throw ValidationError(Self.flagNames(error.message))
        }
    }

    /// A recognizer for `model` that decodes as these arguments say (and as the model's vocabulary,
    /// if it lists one, asks).
    func makeRecognizer(for model: AcousticModel, threads: Int) throws -> Recognizer {
        let recognizer = try Recognizer(model: model, threads: threads)
        switch padding {
        case .seconds(let seconds): recognizer.edgePadding = seconds
        case .auto:
            recognizer.edgePadding = PadSetting.autoSeconds
            recognizer.padOnlyCloseCut = true
        }
        recognizer.decoder = try makeDecoder(tokens: model.config.tokens, timing: recognizer.timing, vocabulary: model.config.vocabulary)
        return recognizer
    }

    /// The decoder for a model's tokens: reads the lexicon and language model files and checks that
    /// the tokens can spell every word (naming the characters they lack).
    func makeDecoder(tokens: [String], timing: FrameTiming, vocabulary: [String]? = nil) throws -> TranscriptDecoder {
        let modelWords = keepsToModelVocabulary ? vocabulary.flatMap { $0.isEmpty ? nil : $0 } : nil
        if oneWord { return try makeOneWordDecoder(tokens: tokens, timing: timing, modelWords: modelWords) }
        guard usesBeam || modelWords != nil else { return GreedyDecoder(tokens: tokens, timing: timing) }
        let words = try wordList(modelWords: modelWords)
        let model = try lm.map { try ARPAReader.read(path: $0) }
        let entries = try hotwords.map { hotword in try parse("--hotword") { try Hotwords.parseEntry(hotword) } }
        let spelling = TokenSpelling(tokens: tokens)
        for (flag, list) in [("--keywords", keywords == nil ? [] : words ?? []), ("--lexicon", lexicon == nil ? [] : words ?? []),
                             ("--hotword", entries.map(\.word))] {
            for word in list { _ = try parse(flag) { try spelling.spell(word) } }
        }
        return try parse(modelWords == nil ? "decoding" : "the model's vocabulary") {
            try BeamSearchDecoder(tokens: tokens, timing: timing, options: options, lexicon: words, languageModel: model, hotwords: entries)
        }
    }

    /// The words decoding keeps to: the model's vocabulary (`modelWords`, nil unless it is kept to),
    /// --keywords or --lexicon; nil for none.
    private func wordList(modelWords: [String]?) throws -> [String]? {
        if let modelWords { return modelWords }
        if let keywords { return try parse("--keywords") { try WordList.parse(commaSeparated: keywords) } }
        if let lexicon { return try parse("--lexicon") { try WordList.read(path: lexicon) } }
        return nil
    }

    /// `--one-word`: the words of --keywords, --lexicon or the model's vocabulary, scored whole.
    private func makeOneWordDecoder(tokens: [String], timing: FrameTiming, modelWords: [String]?) throws -> TranscriptDecoder {
        guard let words = try wordList(modelWords: modelWords) else {
            throw ValidationError("--one-word needs a word list: a keyword model (its config.json lists a vocabulary), --keywords or --lexicon")
        }
        let flag = keywords != nil ? "--keywords" : lexicon != nil ? "--lexicon" : "the model's vocabulary"
        return try parse(flag) {
            try OneWordDecoder(words: words, tokens: tokens, timing: timing, unknownThreshold: unknownThreshold, nbest: nbest ?? 1)
        }
    }

    /// The settings, for JSON output and reports.
    func settings(decoder: TranscriptDecoder) -> [String: Any] {
        var object = decoderSettings(decoder)
        switch padding {
        case .seconds(let seconds) where seconds > 0: object["pad"] = seconds
        case .auto: object["pad"] = "auto"
        default: break
        }
        return object
    }

    private func decoderSettings(_ decoder: TranscriptDecoder) -> [String: Any] {
        if let oneWord = decoder as? OneWordDecoder {
            var object: [String: Any] = ["method": "one-word", "nbest": oneWord.nbest]
            if keywords != nil { object["keywords"] = oneWord.words } else if lexicon != nil {
                object["lexicon"] = lexicon ?? ""
                object["lexicon_words"] = oneWord.words.count
            } else {
                object["vocabulary"] = "the model's \(oneWord.words.count) words"
            }
            if let u = oneWord.unknownThreshold { object["unknown_threshold"] = u }
            return object
        }
        guard let beam = decoder as? BeamSearchDecoder else { return ["method": "greedy"] }
        let o = beam.options
        var object: [String: Any] = ["method": "beam", "beam": o.beamWidth, "beam_threshold": Double(o.beamThreshold), "nbest": o.nbest]
        if let k = o.tokensPerFrame { object["top_k"] = k }
        if let floor = o.tokenThreshold { object["token_threshold"] = Double(floor) }
        if let words = beam.lexicon?.words {
            if keywords != nil {
                object["keywords"] = words
            } else if lexicon != nil {
                object["lexicon"] = lexicon ?? ""
                object["lexicon_words"] = words.count
            } else {
                object["vocabulary"] = "the model's \(words.count) words"
            }
        }
        if let u = o.unknownThreshold { object["unknown_threshold"] = u }
        if let lm, let model = beam.languageModel {
            object["lm"] = lm
            object["lm_order"] = model.order
            object["lm_weight"] = Double(o.languageModelWeight)
        }
        if o.wordBonus != 0 || lm != nil { object["word_bonus"] = Double(o.wordBonus) }
        if let hot = beam.hotwords { object["hotwords"] = hot.entries.map { ["word": $0.word, "weight": $0.weight] } }
        return object
    }

    /// Runs `body`, turning vocabulary errors into validation errors that name the flag.
    func parse<T>(_ flag: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as VocabularyError {
            throw ValidationError("\(flag): \(error)")
        } catch let error as BeamSearchOptionsError {
            throw ValidationError(Self.flagNames(error.message))
        }
    }

    /// Option messages name settings; the CLI's users know them by their flags.
    static func flagNames(_ message: String) -> String {
        message.replacingOccurrences(of: "the beam width", with: "--beam")
            .replacingOccurrences(of: "beam width", with: "--beam")
            .replacingOccurrences(of: "tokens per frame (top-k)", with: "--top-k")
            .replacingOccurrences(of: "token threshold", with: "--token-threshold")
            .replacingOccurrences(of: "beam threshold", with: "--beam-threshold")
            .replacingOccurrences(of: "n-best", with: "--nbest")
            .replacingOccurrences(of: "language model weight", with: "--lm-weight")
            .replacingOccurrences(of: "word bonus", with: "--word-bonus")
            .replacingOccurrences(of: "unknown threshold", with: "--unknown-threshold")
    }
}

/// `--pad`: seconds of silence around every recording, or `auto`: around those cut close only.
enum PadSetting: ExpressibleByArgument, Equatable {
    case seconds(Double)
    case auto

    /// The padding `auto` puts around a recording that starts in its speech.
    static let autoSeconds = 0.2

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let seconds = Double(argument) {
            self = .seconds(seconds)
        } else {
            return nil
        }
    }
}
