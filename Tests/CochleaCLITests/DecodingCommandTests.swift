import CochleaAudio
import CochleaCore
import CochleaTestSupport
import Foundation
import XCTest

/// Decoding options of transcribe and evaluate, and the spot command, through the built binary,
/// with a tiny model trained once (its tokens: blank, space, ', g n o p u). The model is barely
/// trained, so these tests check plumbing, settings and errors; the decoders' behaviour is
/// tested on constructed log-probabilities in CochleaDecodingTests.
final class DecodingCommandTests: XCTestCase {
    static let folder = TemporaryDirectory()
    static var corpus: String { folder.file("corpus") }
    static var model: String { folder.file("model") }
    static var clips: [String] { ["go", "no", "up"].map { corpus + "/\($0)/spk1_nohash_0.wav" } }

    override class func setUp() {
        super.setUp()
        try! TinyCorpus.write(to: corpus)
        let result = try! CLI.run(["train", corpus, "--out", model, "--epochs", "1", "--hidden", "8", "--batch-size", "4", "--threads", "2"])
        precondition(result.status == 0, result.stderr)
    }

    func json(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try CLI.run(["transcribe", "--model", Self.model, "--format", "json"] + Self.clips + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], result.stdout)
    }

    func testBeamSettingsAndNBestInJSON() throws {
        let greedy = try json(["--decoder", "greedy"])
        XCTAssertEqual((greedy[0]["decoding"] as? [String: Any])?["method"] as? String, "greedy")
        XCTAssertNil(greedy[0]["nbest"])
        // Width 1 without the model's vocabulary is greedy decoding.
        XCTAssertEqual(try json(["--beam", "1", "--open-vocabulary"]).map { $0["text"] as? String }, greedy.map { $0["text"] as? String })

        let beam = try json(["--beam", "4", "--nbest", "3", "--top-k", "5", "--beam-threshold", "20"])
        let decoding = try XCTUnwrap(beam[0]["decoding"] as? [String: Any])
        XCTAssertEqual(decoding["method"] as? String, "beam")
        XCTAssertEqual(decoding["beam"] as? Int, 4)
        XCTAssertEqual(decoding["nbest"] as? Int, 3)
        XCTAssertEqual(decoding["top_k"] as? Int, 5)
        XCTAssertEqual(decoding["beam_threshold"] as? Double, 20)
        for file in beam {
            let nbest = try XCTUnwrap(file["nbest"] as? [[String: Any]])
            XCTAssertTrue((1...3).contains(nbest.count))
            XCTAssertEqual(nbest[0]["text"] as? String, file["text"] as? String)
            let scores = nbest.compactMap { $0["score"] as? Double }
            XCTAssertEqual(scores, scores.sorted(by: >))
        }
    }

    /// The tiny model was trained on three words, so its config lists them: by default, and with
    /// beam options, only they are output; --open-vocabulary and --decoder greedy spell freely.
    func testAKeywordModelKeepsToItsVocabularyUnlessToldOtherwise() throws {
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.model + "/config.json"))) as? [String: Any])
        XCTAssertEqual(config["vocabulary"] as? [String], ["go", "no", "up"])
        for arguments in [[], ["--beam", "4", "--nbest", "2"], ["--lm-weight", "0.1"]] {
            let files = try json(arguments)
            let decoding = try XCTUnwrap(files[0]["decoding"] as? [String: Any], "\(arguments)")
            XCTAssertEqual(decoding["method"] as? String, "beam", "\(arguments)")
            XCTAssertEqual(decoding["vocabulary"] as? String, "the model's 3 words", "\(arguments)")
            for file in files {
                let text = try XCTUnwrap(file["text"] as? String)
                XCTAssertTrue(text.split(separator: " ").allSatisfy { ["go", "no", "up"].contains(String($0)) }, "\(arguments): \(text)")
            }
        }
        for (arguments, method) in [(["--open-vocabulary"], "greedy"), (["--decoder", "greedy"], "greedy"), (["--beam", "4", "--open-vocabulary"], "beam")] {
            let decoding = try XCTUnwrap(try json(arguments)[0]["decoding"] as? [String: Any], "\(arguments)")
            XCTAssertNil(decoding["vocabulary"], "\(arguments)")
            XCTAssertEqual(decoding["method"] as? String, method, "\(arguments)")
        }
    }

    /// --one-word: each clip comes out as exactly one listed word, with its share of the list's
    /// probability; options of a beam search are refused, as is a model without a word list.
    func testOneWordGivesOneListedWordPerClip() throws {
        let files = try json(["--one-word", "--nbest", "3"])
        for file in files {
            let decoding = try XCTUnwrap(file["decoding"] as? [String: Any])
            XCTAssertEqual(decoding["method"] as? String, "one-word")
            XCTAssertEqual(decoding["vocabulary"] as? String, "the model's 3 words")
            let text = try XCTUnwrap(file["text"] as? String)
            XCTAssertTrue(["go", "no", "up"].contains(text), text)
            let nbest = try XCTUnwrap(file["nbest"] as? [[String: Any]])
            XCTAssertEqual(nbest.compactMap { $0["text"] as? String }.sorted(), ["go", "no", "up"])
            XCTAssertEqual(nbest[0]["text"] as? String, text)
            let confidence = try XCTUnwrap(file["confidence"] as? Double)
            XCTAssertGreaterThanOrEqual(confidence, 1.0 / 3 - 1e-9)
        }
        let keywords = try json(["--one-word", "--keywords", "go,up", "--unknown-threshold", "0.999999"])
        for file in keywords {
            XCTAssertEqual(file["text"] as? String, "<unk>", "a barely trained model is never that sure")
            XCTAssertEqual((file["decoding"] as? [String: Any])?["keywords"] as? [String], ["go", "up"])
        }
        for (arguments, message) in [
            (["--one-word", "--beam", "8"], "--beam tune a beam search; --one-word scores each listed word whole"),
            (["--one-word", "--decoder", "greedy"], "--one-word is its own decoding; drop --decoder"),
            (["--one-word", "--open-vocabulary"], "--one-word needs a word list: a keyword model"),
            (["--one-word", "--keywords", "go,yes"], "--keywords: \"yes\" has characters that the model's tokens cannot spell"),
        ] {
            let result = try CLI.run(["transcribe", "--model", Self.model, Self.clips[0]] + arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): wanted \(message), got \(result.stderr)")
        }
    }

    func testKeywordsLexiconHotwordsAndLanguageModel() throws {
        let keywords = ["go", "no", "up"]
        let constrained = try json(["--keywords", keywords.joined(separator: ","), "--unknown-threshold", "0.3"])
        for file in constrained {
            let text = try XCTUnwrap(file["text"] as? String)
            XCTAssertTrue(text.split(separator: " ").allSatisfy { keywords.contains(String($0)) || $0 == "<unk>" }, text)
        }
        let decoding = try XCTUnwrap(constrained[0]["decoding"] as? [String: Any])
        XCTAssertEqual(decoding["keywords"] as? [String], keywords)
        XCTAssertEqual(decoding["unknown_threshold"] as? Double, 0.3)

        let lexicon = Self.folder.write("words.txt", Data("# commands\ngo\nno\n\nup\n".utf8))
        let arpa = Self.folder.write("lm.arpa", Data("\\data\\\nngram 1=5\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n-0.5\tgo\n-1\tno\n-1\tup\n\n\\end\\\n".utf8))
        let fused = try json(["--lexicon", lexicon, "--lm", arpa, "--lm-weight", "0.7", "--word-bonus", "1", "--hotword", "go:2", "--hotword", "up"])
        let settings = try XCTUnwrap(fused[0]["decoding"] as? [String: Any])
        XCTAssertEqual(settings["lexicon_words"] as? Int, 3)
        XCTAssertEqual(settings["lm"] as? String, arpa)
        XCTAssertEqual(settings["lm_weight"] as? Double ?? 0, 0.7, accuracy: 1e-6)
        XCTAssertEqual(settings["word_bonus"] as? Double, 1)
        let hotwords = try XCTUnwrap(settings["hotwords"] as? [[String: Any]])
        XCTAssertEqual(hotwords.map { $0["word"] as? String }, ["go", "up"])
        XCTAssertEqual(hotwords.map { $0["weight"] as? Double }, [2, 3])
        for file in fused {
            XCTAssertTrue((file["text"] as? String ?? "x").split(separator: " ").allSatisfy { keywords.contains(String($0)) })
        }
    }

    /// `cochlea lm` on the corpus's training transcripts (and on text), then used with --lm.
    func testLMFromTheTrainingTranscriptsFeedsTheDecoder() throws {
        let arpa = Self.folder.file("corpus.arpa")
        let made = try CLI.run(["lm", Self.corpus, "--order", "2", "--out", arpa])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(made.stdout.contains("1-grams 6, 2-grams"), made.stdout)
        let text = try String(contentsOfFile: arpa, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("\\data\\\nngram 1=6\n"), text)
        XCTAssertTrue(text.hasSuffix("\\end\\\n"))
        let fused = try json(["--lm", arpa, "--lm-weight", "0.5"])
        XCTAssertEqual((fused[0]["decoding"] as? [String: Any])?["lm_order"] as? Int, 2)

        let sentences = Self.folder.write("sentences.txt", Data("Go up!\r\nno no\n\ngo\n".utf8))
        let fromText = try CLI.run(["lm", sentences, "--order", "3", "--out", Self.folder.file("text.arpa")])
        XCTAssertEqual(fromText.status, 0, fromText.stderr)
        XCTAssertTrue(fromText.stdout.contains("3 sentences, 6 words"), fromText.stdout)
        let textModel = try String(contentsOfFile: Self.folder.file("text.arpa"), encoding: .utf8)
        XCTAssertTrue(textModel.contains("\tgo up\t") || textModel.contains("\tgo up\n"), textModel)
        XCTAssertFalse(textModel.contains("!"), "punctuation is not a word")

        for (arguments, status, message) in [
            (["lm", sentences, "--order", "0", "--out", arpa], Int32(64), "--order must be in 1…6, got 0"),
            (["lm", Self.folder.file("none.txt"), "--out", arpa], 1, "none.txt: cannot read the file (no such file)"),
            (["lm", Self.folder.write("blank.txt", Data("\n \n".utf8)), "--out", arpa], 1, "no sentences in"),
            (["lm", Self.folder.write("latin1.txt", Data([0x63, 0x61, 0x66, 0xE9, 0x0A])), "--out", arpa], 1, "latin1.txt: not UTF-8 text"),
        ] {
            let result = try CLI.run(arguments)
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): wanted \(message), got \(result.stderr)")
        }
        XCTAssertEqual(try String(contentsOfFile: arpa, encoding: .utf8), text, "a failed run leaves the earlier file as it was")
    }

    func testImpossibleOptionsAndBadFilesAreNamed() throws {
        let arpa = Self.folder.write("broken.arpa", Data("\\data\\\nngram 1=2\n\n\\1-grams:\n-1\tgo\n-x\tno\n\n\\end\\\n".utf8))
        for (arguments, status, message) in [
            (["--beam", "0"], Int32(64), "--beam must be at least 1, got 0"),
            (["--top-k=-2"], 64, "--top-k must be at least 1, got -2"),
            (["--nbest", "20"], 64, "--nbest (20) cannot exceed --beam (16)"),
            (["--decoder", "greedy", "--keywords", "go"], 64, "--keywords need a beam search; drop --decoder greedy"),
            (["--keywords", "go,yes"], 64, "--keywords: \"yes\" has characters that the model's tokens cannot spell: 'y', 'e', 's'"),
            (["--hotword", "zoo:2"], 64, "--hotword: \"zoo\" has characters that the model's tokens cannot spell: 'z'"),
            (["--keywords", "go", "--lexicon", "x.txt"], 64, "give --keywords or --lexicon, not both"),
            (["--unknown-threshold", "1.5"], 64, "--unknown-threshold must be in 0…1"),
            (["--pad=-0.1"], 64, "--pad must be auto or between 0 and 10 seconds, got -0.1"),
            (["--pad", "soon"], 64, "soon"),
            (["--lm", arpa], 1, "broken.arpa:6: \"-x\" is not a number"),
            (["--lexicon", Self.folder.file("none.txt")], 64, "--lexicon: \(Self.folder.file("none.txt")): cannot read the lexicon file"),
        ] {
            let result = try CLI.run(["transcribe", "--model", Self.model, Self.clips[0]] + arguments)
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): wanted \(message), got \(result.stderr)")
        }
    }

    func testEvaluateRunsEachDecoder() throws {
        for (arguments, line) in [(["--decoder", "greedy"], "decoding: greedy"),
                                  ([], "decoding: beam 16, beam-threshold 50.0, nbest 1, the model's 3 words"),
                                  (["--beam", "8", "--open-vocabulary"], "decoding: beam 8, beam-threshold 50.0, nbest 1"),
                                  (["--keywords", "go,no,up"], "decoding: beam 16, beam-threshold 50.0, nbest 1, keywords go,no,up"),
                                  (["--one-word"], "decoding: one word, nbest 1, the model's 3 words"),
                                  (["--decoder", "greedy", "--pad", "0.1"], "decoding: greedy, pad 0.1 s"),
                                  (["--decoder", "greedy", "--pad", "0"], "decoding: greedy\n")] {
            let report = Self.folder.file("report\(arguments.joined()).json")
            let result = try CLI.run(["evaluate", Self.corpus, "--model", Self.model, "--split", "all", "--report", report] + arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.hasPrefix("%WER "), result.stdout)
            XCTAssertTrue(result.stdout.contains(line), "wanted \(line) in \(result.stdout)")
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
            let decoding = try XCTUnwrap(object["decoding"] as? [String: Any])
            // Clips that start in their speech are padded unless --pad says otherwise.
            let pad = arguments.firstIndex(of: "--pad").map { arguments[$0 + 1] }
            XCTAssertEqual(decoding["pad"] as? Double, pad == "0.1" ? 0.1 : nil)
            XCTAssertEqual(decoding["pad"] as? String, pad == nil ? "auto" : nil)
            XCTAssertEqual(result.stdout.contains(", pad auto"), pad == nil, result.stdout)
        }
    }

    /// A reader that stops early (`| head -1`) ends evaluate at its next line of stdout; the report
    /// and trn files are written before the summary, so they are whole all the same.
    func testFilesAreWrittenBeforeAReaderCanStopTheSummary() throws {
        let report = Self.folder.file("piped.json"), trn = Self.folder.file("piped-trn")
        let result = try CLI.run(program: "/bin/sh", ["-c", "\"$0\" evaluate \"$1\" --model \"$2\" --split all --report \"$3\" --trn \"$4\" | true",
                                                      CLI.binary, Self.corpus, Self.model, report, trn])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        XCTAssertEqual(object["utterances"] as? Int, 18)
        XCTAssertEqual(try String(contentsOfFile: trn + "/hyp.trn", encoding: .utf8).split(separator: "\n").count, 18)
    }

    func testSpotReportsJSONAndWindowsAgreeWithOnePass() throws {
        // 3 s: the three clips with silence between.
        var samples = [Float]()
        for clip in Self.clips {
            samples += try AudioDecoder.decode(path: clip, sampleRate: 16_000).samples
            samples += Array(repeating: 0, count: 8_000)
        }
        let long = Self.folder.file("long.wav")
        try AudioWriter.write(samples, sampleRate: 16_000, encoding: .wavPCM16, to: long)
        func spot(_ extra: [String]) throws -> [String: Any] {
            let result = try CLI.run(["spot", "--model", Self.model, "--keywords", "go,no:0.2,up", "--threshold", "0.1", long] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], result.stdout)
            XCTAssertEqual(array.count, 1)
            return array[0]
        }
        let whole = try spot([])
        XCTAssertEqual(whole["duration"] as? Double ?? 0, 3, accuracy: 0.01)
        let detections = try XCTUnwrap(whole["detections"] as? [[String: Any]])
        for detection in detections {
            XCTAssertTrue(["go", "no", "up"].contains(detection["keyword"] as? String ?? ""))
            let start = try XCTUnwrap(detection["start"] as? Double), end = try XCTUnwrap(detection["end"] as? Double)
            XCTAssertTrue(0 <= start && start < end && end <= 3.1, "\(detection)")
        }
        let settings = try XCTUnwrap(whole["spotting"] as? [String: Any])
        XCTAssertEqual((settings["keywords"] as? [[String: Any]])?.map { $0["threshold"] as? Double }, [0.1, 0.2, 0.1])
        // Windows of 0.2 s whose 5 s of context covers the whole file see what one pass sees.
        let windowed = try spot(["--window", "0.2", "--context", "5"])
        XCTAssertEqual(windowed["detections"] as? NSArray, whole["detections"] as? NSArray)

        let bad = try CLI.run(["spot", "--model", Self.model, "--keywords", "yes", long])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("cannot spell: 'y', 'e', 's'"), bad.stderr)
    }
}
