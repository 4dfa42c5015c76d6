import CochleaDecoding
import CochleaTestSupport
import Foundation
import XCTest

final class LanguageModelTests: XCTestCase {
    /// A trigram model with hand-picked numbers (log10), so that each backoff case is checkable by hand.
    static let arpa = """
    written by hand for the tests

    \\data\\
    ngram 1=6
    ngram 2=4
    ngram 3=1

    \\1-grams:
    -1.0\t<unk>
    -99\t<s>\t-0.5
    -0.7\t</s>
    -0.6\tab\t-0.3
    -0.8\tac\t-0.2
    -1.2\tb\t-0.1

    \\2-grams:
    -0.2\t<s> ab\t-0.4
    -0.4\tab ac
    -0.5\tac </s>
    -0.3\tab b

    \\3-grams:
    -0.1\t<s> ab ac

    \\end\\
    """

    func testBackoffScoresByHand() throws {
        let lm = try ARPAReader.parse(Self.arpa)
        XCTAssertEqual(lm.order, 3)
        XCTAssertEqual(lm.counts, [6, 4, 1])
        let cases: [([String], Double)] = [
            (["ab"], -0.2 + (-0.4 + -0.3 + -0.7)),           // <s> ab; then </s> | <s> ab backs off twice: bo(<s> ab) + bo(ab) + P(</s>)
            (["ab", "ac"], -0.2 + -0.1 + -0.5),              // trigram, then ac </s> (state after the trigram is "ab ac"→ suffix "ac")
            (["ac"], -0.5 + -0.8 + -0.5),                    // bo(<s>) + P(ac), then ac </s>
            (["zz"], -0.5 + -1.0 + -0.7),                    // unknown word scores as <unk>; </s> | <unk> is the unigram
            (["b", "ab"], (-0.5 + -1.2) + (-0.1 + -0.6) + (-0.3 + -0.7)),
        ]
        for (words, expected) in cases {
            XCTAssertEqual(lm.log10Probability(of: words), expected, accuracy: 1e-5, "\(words)")
        }
    }

    func testStreamingReadEqualsParsingAndErrorsNameTheFileAndLine() throws {
        let folder = TemporaryDirectory()
        let path = folder.write("lm.arpa", Data(Self.arpa.utf8))
        let read = try ARPAReader.read(path: path), parsed = try ARPAReader.parse(Self.arpa)
        XCTAssertEqual(read.vocabulary, parsed.vocabulary)
        XCTAssertEqual(read.log10Probability(of: ["ab", "ac", "b"]), parsed.log10Probability(of: ["ab", "ac", "b"]))

        let lines = Self.arpa.components(separatedBy: "\n")
        func mutated(_ change: (inout [String]) -> Void) -> String {
            var copy = lines
            change(&copy)
            return copy.joined(separator: "\n")
        }
        func line(_ text: String) -> Int { lines.firstIndex(of: text)! + 1 }
        let cases: [(String, Int, String)] = [
            (mutated { $0[$0.firstIndex(of: "ngram 2=4")!] = "ngram 2=5" }, line("\\3-grams:"),
             "the \\2-grams: section has 4 entries but \\data\\ declares 5 (line \(line("ngram 2=4")))"),
            (mutated { $0[$0.firstIndex(of: "ngram 2=4")!] = "ngram 2=3" }, line("-0.3\tab b"), "more than the 3 2-grams"),
            (mutated { $0[$0.firstIndex(of: "-0.4\tab ac")!] = "-0.4x\tab ac" }, line("-0.4\tab ac"), "\"-0.4x\" is not a number"),
            (mutated { $0[$0.firstIndex(of: "-1.2\tb\t-0.1")!] = "-1.2\tb\tzero" }, line("-1.2\tb\t-0.1"), "\"zero\" is not a number"),
            (mutated { $0.removeAll { $0 == "\\end\\" } }, line("-0.1\t<s> ab ac"), "the file ends without \\end\\"),
            (mutated { $0[$0.firstIndex(of: "-0.1\t<s> ab ac")!] = "-0.1\t<s> ab" }, line("-0.1\t<s> ab ac"), "a 3-gram needs 3 words"),
            (mutated { $0[$0.firstIndex(of: "-0.3\tab b")!] = "-0.3\tab q" }, line("-0.3\tab b"), "\"q\" is not among the 1-grams"),
            (mutated { $0[$0.firstIndex(of: "-0.1\t<s> ab ac")!] = "-0.1\tb ab ac" }, line("-0.1\t<s> ab ac"), "the context \"b ab\" is not among the 2-grams"),
            (mutated { $0[$0.firstIndex(of: "-0.3\tab b")!] = "-0.3\tab ac" }, line("-0.3\tab b"), "duplicate 2-gram \"ab ac\""),
            (mutated { $0[$0.firstIndex(of: "-0.8\tac\t-0.2")!] = "0.8\tac\t-0.2" }, line("-0.8\tac\t-0.2"), "above 0"),
            (mutated { $0[$0.firstIndex(of: "\\3-grams:")!] = "\\4-grams:" }, line("\\3-grams:"), "expected \\3-grams:"),
            (mutated { $0[$0.firstIndex(of: "ngram 3=1")!] = "ngram 3 1" }, line("ngram 3=1"), "expected \"ngram N=COUNT\""),
            ("just text\n", 1, "no \\data\\ section"),
        ]
        for (index, (text, expectedLine, message)) in cases.enumerated() {
            let file = folder.write("bad\(index).arpa", Data(text.utf8))
            XCTAssertThrowsError(try ARPAReader.read(path: file), message) { error in
                guard let error = error as? ARPAError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.line, expectedLine, "\(message): \(error)")
                XCTAssertTrue(error.description.hasPrefix("\(file):\(expectedLine): "), error.description)
                XCTAssertTrue(error.message.contains(message), "wanted \(message), got \(error.message)")
            }
        }
        XCTAssertThrowsError(try ARPAReader.read(path: folder.file("missing.arpa"))) { error in
            XCTAssertTrue("\(error)".contains("missing.arpa: cannot open"), "\(error)")
        }
    }

    /// Acoustics slightly prefer "ab" to "ac"; a unigram model that strongly prefers "ac" flips it.
    func testAModelWithAKnownPreferenceChangesTheOutput() throws {
        let tokens = ["<blank>", " ", "a", "b", "c"]
        let input = Frames.spelled([[2: 0.9], [0: 0.9], [3: 0.5, 4: 0.4], [0: 0.9]], classes: 5)
        let lm = try ARPAReader.parse("""
        \\data\\
        ngram 1=4

        \\1-grams:
        -0.1\t</s>
        -99\t<s>
        -3.0\tab
        -0.2\tac

        \\end\\
        """)
        let plain = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 16))
        XCTAssertEqual(input.with(plain.decode).text, "ab")
        let fused = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 16, languageModelWeight: 1), languageModel: lm)
        let transcript = input.with(fused.decode)
        XCTAssertEqual(transcript.text, "ac")
        // A small weight leaves the acoustics in charge.
        let light = try BeamSearchDecoder(tokens: tokens, options: BeamSearchOptions(beamWidth: 16, languageModelWeight: 0.01), languageModel: lm)
        XCTAssertEqual(input.with(light.decode).text, "ab")
    }

    func testFusedSearchMatchesBruteForceWithModelAndWordBonus() throws {
        let tokens = ["<blank>", " ", "a", "b"]
        let lm = try ARPAReader.parse("""
        \\data\\
        ngram 1=5
        ngram 2=3

        \\1-grams:
        -1.5\t<unk>
        -0.4\t</s>
        -99\t<s>\t-0.3
        -0.6\ta\t-0.2
        -0.9\tab\t-0.1

        \\2-grams:
        -0.1\t<s> ab
        -0.3\ta ab
        -0.2\tab </s>

        \\end\\
        """)
        for (seed, bonus) in zip(0..<12, [0, 0.5, -0.5] as [Float] + Array(repeating: 1, count: 9)) {
            let input = Frames.random(frames: 6, classes: 4, kind: .flat, seed: 900 + UInt64(seed))
            let options = BeamSearchOptions(beamWidth: 8192, beamThreshold: 1000, languageModelWeight: 0.8, wordBonus: bonus)
            let decoder = try BeamSearchDecoder(tokens: tokens, options: options, languageModel: lm)
            let reference = input.with {
                BruteForceDecoder.rank($0, tokens: tokens, languageModel: lm, languageModelWeight: 0.8, wordBonus: Double(bonus))
            }
            let found = input.with(decoder.search)[0]
            guard reference[0].score - reference[1].score > 1e-4 else { continue }
            XCTAssertEqual(found.tokens.map { tokens[$0] }.joined().split(separator: " ").joined(separator: " "), reference[0].text, "seed \(seed)")
            XCTAssertEqual(found.score, reference[0].score, accuracy: 1e-3, "seed \(seed)")
        }
    }

    /// Opt-in (COCHLEA_LONG_TESTS=1): a 1,000,000-n-gram file loads line by line.
    func testMillionNGramFileLoads() throws {
        guard ProcessInfo.processInfo.environment["COCHLEA_LONG_TESTS"] != nil else { throw XCTSkip("set COCHLEA_LONG_TESTS=1") }
        let folder = TemporaryDirectory()
        let path = folder.file("big.arpa")
        let words = 1000, bigrams = 999_000
        var text = "\\data\\\nngram 1=\(words)\nngram 2=\(bigrams)\n\n\\1-grams:\n"
        for w in 0..<words { text += "-3.0\tw\(w)\t-0.5\n" }
        text += "\n\\2-grams:\n"
        var written = 0
        outer: for a in 0..<words {
            for b in 0..<words where a != b {
                text += "-1.5\tw\(a) w\(b)\n"
                written += 1
                if written == bigrams { break outer }
            }
        }
        text += "\n\\end\\\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let lm = try ARPAReader.read(path: path)
        XCTAssertEqual(lm.counts, [words, bigrams])
        XCTAssertEqual(lm.log10Probability(of: ["w0", "w1"], end: false), -3.0 + -1.5, accuracy: 1e-5)
    }
}
