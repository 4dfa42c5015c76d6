import ArgumentParser
import CochleaCore
import CochleaDecoding
import CochleaModel
import CochleaRecognition
import Foundation

enum TranscriptFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, jsonl
}

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe audio files with a trained model (the shipped default unless --model).",
        discussion: """
        Prints one line per file: path, a tab, the text. --format json prints a JSON array with, per \
        file, the text, each word's start and end in seconds and confidence, the utterance's \
        confidence, and the decoding settings; --format jsonl prints the same objects one per line.

        Files are decoded, featurised and run through the network in parallel batches. A file that \
        cannot be read gets an error on stderr (and an "error" entry in JSON); the others are still \
        transcribed, and the exit code is 1.

        Examples:
          cochlea transcribe datasets/examples
          cochlea transcribe --model models/mine clips/ --format json > out.json
          cochlea transcribe clip.wav --dump-logprobs lp/    # lp/clip.npy: [frames, classes] float32

        A keyword model (its config.json lists a `vocabulary`, as the shipped one does) is decoded by \
        a beam search that keeps to those words, tuned by the options below; --open-vocabulary spells \
        freely instead, --decoder greedy takes the best token per frame. Other models are decoded \
        greedily unless a beam-search option is given: --beam 32, --nbest 5 (JSON gets an \
        "nbest" array of texts and scores), --keywords yes,no,up or --lexicon words.txt (only those \
        words; --unknown-threshold 0.5 turns unsure words into <unk>), --lm model.arpa with \
        --lm-weight and --word-bonus, --hotword WORD[:weight]. --one-word is for clips that each hold \
        exactly one word of the list, as Speech Commands' do: the word most likely over the whole clip, \
        never a sequence. The settings used are in the JSON's "decoding" object.
          cochlea transcribe clips/ --keywords yes,no,up --unknown-threshold 0.5
          cochlea transcribe commands/ --one-word --nbest 3 --format json
          cochlea transcribe talk.wav --lm 3gram.arpa --lm-weight 0.8 --word-bonus 1 --format json
        """)

    @Argument(help: "Audio files or folders.")
    var inputs: [String]

    @Option(help: "Model folder (config.json + model.safetensors); default: the model shipped with Cochlea.")
    var model: String?

    @Option(help: "text, json or jsonl.")
    var format: TranscriptFormat = .text

    @Option(help: "Write each file's frame log-probabilities to this folder as [T, C] float32 .npy.")
    var dumpLogprobs: String?

    @Option(help: "Threads for decoding audio, features and the network.")
    var threads = Job.coreThreads

    @OptionGroup(title: "Decoding")
    var decoding: DecodingArguments

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        try Job.check(threads: threads)
    }

    func run() throws {
        let modelPath = try DefaultModel.resolve(model)
        let loaded = try AcousticModel.load(from: modelPath)
        let files = InputFiles.expand(inputs)
        guard !files.isEmpty else { throw ValidationError("no audio files found in \(inputs.joined(separator: ", "))") }
        if let dumpLogprobs { try FileManager.default.createDirectory(atPath: dumpLogprobs, withIntermediateDirectories: true) }
        let recognizer = try decoding.makeRecognizer(for: loaded, threads: threads)
        recognizer.keepLogProbs = dumpLogprobs != nil
        let dumpNames = dumpLogprobs.map { OutputNames.npyPaths(for: files, inputs: inputs, outputFolder: $0) }
        var settings = decoding.settings(decoder: recognizer.decoder)
        settings["model"] = modelPath
        settings["tokens"] = loaded.config.tokens.count
        let progress = ProgressReporter(total: files.count, label: "transcribe", enabled: !quiet && files.count > 50)
        var failures = 0, index = 0
        if format == .json { Console.output("[") }
        recognizer.recognize(paths: files) { recognition in
            defer { index += 1; progress.advance() }
            var object: [String: Any] = ["path": recognition.path]
            switch recognition.result {
            case .failure(let error):
                failures += 1
                Console.error("\(error)")
                object["error"] = "\(error)"
            case .success(let transcript):
                if recognition.frames == 0 {
                    Console.error("\(recognition.path): shorter than one frame; transcribed as empty")
                }
                if format == .text { Console.output("\(recognition.path)\t\(transcript.text)") }
                object["text"] = transcript.text
                object["confidence"] = transcript.confidence
                object["duration"] = recognition.duration
                object["words"] = transcript.words.map { ["word": $0.word, "start": $0.start, "end": $0.end, "confidence": $0.confidence] }
                object["decoding"] = settings
                if !transcript.alternatives.isEmpty {
                    object["nbest"] = transcript.alternatives.map { ["text": $0.text, "score": $0.score, "acoustic_score": $0.acousticScore] }
                }
                if let names = dumpNames, let logProbs = recognition.logProbs {
                    do {
                        try FileManager.default.createDirectory(atPath: (names[index] as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                        try Npy.write(logProbs, shape: [logProbs.count / loaded.config.network.classes, loaded.config.network.classes], to: names[index])
                    } catch {
                        failures += 1
                        Console.error("\(error)")
                    }
                }
            }
            if format != .text {
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
                let line = String(decoding: data, as: UTF8.self)
                Console.output(format == .json && index < files.count - 1 ? line + "," : line)
            }
        }
        if format == .json { Console.output("]") }
        progress.finish()
        if failures > 0 { throw BatchFailure(failed: failures, total: files.count) }
    }
}
