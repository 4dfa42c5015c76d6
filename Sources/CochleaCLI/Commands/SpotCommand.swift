import ArgumentParser
import CochleaCore
import CochleaDecoding
import CochleaModel
import CochleaRecognition
import Foundation

struct SpotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spot",
        abstract: "Find keywords in long recordings: each detection with its start, end and confidence, as JSON.",
        discussion: """
        Each keyword is scored against the model's best reading of the same frames (confidence 1 when \
        the best reading spells it there); occurrences inside longer words ("no" in "know") are not \
        detections. A per-keyword threshold follows a colon: --keywords yes:0.7,no. The network runs \
        on windows of --window seconds (with --context seconds of overlap), so hours of audio need no \
        more memory than the audio and its features.

        Prints a JSON array with one object per file: path, duration, detections (keyword, start and \
        end in seconds, confidence), and the settings; --format jsonl prints one object per line.

        Example:
          cochlea spot --keywords yes,no --threshold 0.5 long.wav
        """)

    @Argument(help: "Audio files or folders.")
    var inputs: [String]
    @Option(help: "Comma-separated keywords, each optionally with its own threshold: yes:0.7,no.")
    var keywords: String
    @Option(help: "Confidence (0–1) a detection needs, for keywords without their own.")
    var threshold = 0.5
    @Option(help: "Model folder; default: the model shipped with Cochlea.")
    var model: String?
    @Option(help: "Longest keyword occurrence considered, seconds.")
    var maxDuration = 2.0
    @Option(help: "Silence that separates words when the model emits no word separator, seconds.")
    var wordGap = 0.15
    @Option(help: "Seconds of audio per network window.")
    var window = 30.0
    @Option(help: "Seconds of overlap on each side of a window.")
    var context = 2.0
    @Option(help: "json or jsonl.")
    var format: SpotFormat = .json

    enum SpotFormat: String, ExpressibleByArgument, CaseIterable { case json, jsonl }

    func validate() throws {
        _ = try parsedKeywords()
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be in 0…1, got \(threshold)") }
        guard maxDuration > 0 else { throw ValidationError("--max-duration must be above 0, got \(maxDuration)") }
        guard wordGap > 0 else { throw ValidationError("--word-gap must be above 0, got \(wordGap)") }
        guard window > 0 else { throw ValidationError("--window must be above 0, got \(window)") }
        guard context >= 0 else { throw ValidationError("--context must be 0 or more, got \(context)") }
    }

    func parsedKeywords() throws -> [KeywordSpotter.Keyword] {
        let items: [String]
        do { items = try WordList.parse(commaSeparated: keywords) } catch { throw ValidationError("--keywords: \(error)") }
        return try items.map { item in
            guard let colon = item.lastIndex(of: ":") else { return KeywordSpotter.Keyword(word: item, threshold: threshold) }
            let word = String(item[..<colon]), value = String(item[item.index(after: colon)...])
            guard !word.isEmpty, let own = Double(value), (0...1).contains(own) else {
                throw ValidationError("--keywords: \"\(item)\": the threshold after ':' must be a number in 0…1")
            }
            return KeywordSpotter.Keyword(word: word, threshold: own)
        }
    }

    func run() throws {
        let modelPath = try DefaultModel.resolve(model)
        let loaded = try AcousticModel.load(from: modelPath)
        let files = InputFiles.expand(inputs)
        guard !files.isEmpty else { throw ValidationError("no audio files found in \(inputs.joined(separator: ", "))") }
        let recognizer = try Recognizer(model: loaded)
        let timing = recognizer.timing
        let words = try parsedKeywords()
        let options = KeywordSpotter.Options(maxDuration: maxDuration, wordGap: wordGap)
        do {
            _ = try KeywordSpotter(tokens: loaded.config.tokens, keywords: words, timing: timing, options: options)
        } catch {
            throw ValidationError("--keywords: \(error)")
        }
        let settings: [String: Any] = [
            "keywords": words.map { ["word": $0.word, "threshold": $0.threshold] }, "max_duration": maxDuration,
            "word_gap": wordGap, "model": modelPath,
        ]
        let windowFrames = max(1, Int(window / timing.shift)), contextFrames = Int(context / timing.shift)
        var failures = 0
        if format == .json { Console.output("[") }
        for (index, path) in files.enumerated() {
            var object: [String: Any] = ["path": path, "spotting": settings]
            do {
                let spotter = try KeywordSpotter(tokens: loaded.config.tokens, keywords: words, timing: timing, options: options)
                var found = [KeywordSpotter.Detection]()
                let (duration, _) = try recognizer.streamLogProbabilities(path: path, windowFrames: windowFrames, contextFrames: contextFrames) {
                    found += spotter.consume($0)
                }
                found += spotter.finish()
                object["duration"] = duration
                object["detections"] = found.sorted { $0.startFrame < $1.startFrame }.map {
                    ["keyword": $0.keyword, "start": $0.start, "end": $0.end, "confidence": $0.confidence] as [String: Any]
                }
            } catch {
                failures += 1
                Console.error("\(error)")
                object["error"] = "\(error)"
            }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
            let line = String(decoding: data, as: UTF8.self)
            Console.output(format == .json && index < files.count - 1 ? line + "," : line)
        }
        if format == .json { Console.output("]") }
        if failures > 0 { throw BatchFailure(failed: failures, total: files.count) }
    }
}
