import CochleaTestSupport
import Foundation
import XCTest

/// `cochlea score` run as users run it, on the 300 jiwer-scored pairs of `Fixtures/wer`.
final class ScoreCommandTests: XCTestCase {
    let folder = TemporaryDirectory()

    // MARK: Agreement with jiwer

    func testKaldiFilesMatchJiwerPerUtteranceAndInTotal() throws {
        let pairs = try WERFixture.pairs()
        let (reference, hypothesis) = try writeKaldi(pairs)
        let report = try json(["score", reference, hypothesis, "--format", "json"])
        try assertMatchesJiwer(report, pairs)
        XCTAssertEqual(report["reference_format"] as? String, "kaldi")

        // Text mode prints the same rates to two decimals, with compute-wer's counts.
        let result = try CLI.run(["score", reference, hypothesis])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let (wer, cer) = try WERFixture.corpusRates()
        let words = pairs.map(\.words), characters = pairs.map(\.characters)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init), [
            summaryLine("%WER", wer, words), summaryLine("%CER", cer, characters),
            String(format: "%%SER %.2f [ %d / 300 ]", Double(errorful(pairs)) / 3, errorful(pairs)),
            "Scored 300 sentences, 0 not present in hyp.",
        ])
    }

    func testTrnFilesGiveTheSameScores() throws {
        let pairs = try WERFixture.pairs()
        let (reference, hypothesis) = try writeTrn(pairs)
        let report = try json(["score", reference, hypothesis, "--format", "json", "--threads", "1"])
        try assertMatchesJiwer(report, pairs)
        XCTAssertEqual(report["hypothesis_format"] as? String, "trn")
    }

    func testTSVHasOneRowPerUtterance() throws {
        let pairs = try WERFixture.pairs()
        let (reference, hypothesis) = try writeKaldi(pairs)
        let result = try CLI.run(["score", reference, hypothesis, "--format", "tsv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.first, ["id", "ref_words", "substitutions", "deletions", "insertions", "wer"])
        XCTAssertEqual(rows.count, 301)
        for (row, pair) in zip(rows.dropFirst(), pairs) {
            let referenceWords = pair.words.hits + pair.words.substitutions + pair.words.deletions
            XCTAssertEqual(row[0], id(pair))
            XCTAssertEqual(Int(row[1]), referenceWords, "line \(pair.line)")
            XCTAssertEqual(Int(row[2])! + Int(row[3])! + Int(row[4])!, pair.words.errors, "line \(pair.line): S+D+I")
            XCTAssertEqual(Double(row[5]), Double(pair.words.errors) / Double(referenceWords), "line \(pair.line): WER")
        }
    }

    func testScliteAgreesOnTheTrnFiles() throws {
        let sclite = try Sclite.required()
        let (reference, hypothesis) = try writeTrn(try WERFixture.pairs())
        let (percentages, counts) = try Sclite.summary(sclite, reference: reference, hypothesis: hypothesis)
        let totals = try XCTUnwrap(try json(["score", reference, hypothesis, "--format", "json"])["totals"] as? [String: Any])
        let words = try XCTUnwrap(totals["words"] as? [String: Int])
        let wer = try XCTUnwrap(totals["wer"] as? Double)
        // sclite may split S/D/I differently (it weighs substitutions 4, the others 3); totals agree.
        XCTAssertEqual(counts[0], totals["utterances"] as? Double)
        XCTAssertEqual(counts[1], totals["reference_words"] as? Double)
        XCTAssertEqual(counts[6], Double(words["substitutions"]! + words["deletions"]! + words["insertions"]!))
        XCTAssertEqual(counts[7], totals["utterances_with_errors"] as? Double)
        XCTAssertEqual(percentages[6], (wer * 1000).rounded() / 10, accuracy: 1e-9, "WER in % (sclite prints one decimal)")
    }

    // MARK: Options

    func testReportFileIsTheJSONOfStdout() throws {
        let (reference, hypothesis) = try writeKaldi(try WERFixture.pairs())
        let reportPath = folder.file("report.json")
        let result = try CLI.run(["score", reference, hypothesis, "--format", "json", "--confusions", "5", "--report", reportPath])
        XCTAssertEqual(result.status, 0, result.stderr)
        let written = try String(contentsOfFile: reportPath, encoding: .utf8)
        XCTAssertEqual(written, result.stdout)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(written.utf8)))

        // With text on stdout the report is the same JSON; no temporary file is left beside it.
        let textRun = try CLI.run(["score", reference, hypothesis, "--confusions", "5", "--report", reportPath])
        XCTAssertEqual(textRun.status, 0, textRun.stderr)
        XCTAssertTrue(textRun.stdout.contains("%WER 30.62"), textRun.stdout)
        XCTAssertEqual(try String(contentsOfFile: reportPath, encoding: .utf8), result.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["hyp.txt", "ref.txt", "report.json"])
    }

    func testConfusionsAndAlignmentsInText() throws {
        let reference = write("ref.txt", "u1 a b c d\nu2 same words\nu3 a b\n")
        let hypothesis = write("hyp.txt", "u1 a x c d e\nu2 same words\nu3 a\n")
        let result = try CLI.run(["score", reference, hypothesis, "--confusions", "2", "--show-alignment", "--no-cer"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, """
            id: u1
            Scores: (#C #S #D #I) 3 1 0 1
            REF:  a   b   c   d   ***
            HYP:  a   x   c   d   e
            Eval:     S           I

            id: u3
            Scores: (#C #S #D #I) 1 0 1 0
            REF:  a   b
            HYP:  a   ***
            Eval:     D

            SUBSTITUTIONS (1 in all, 1 most frequent shown; ref -> hyp  count)
              b -> x  1
            DELETIONS (1 in all, 1 most frequent shown; ref  count)
              b  1
            INSERTIONS (1 in all, 1 most frequent shown; hyp  count)
              e  1

            %WER 37.50 [ 3 / 8, 1 ins, 1 del, 1 sub ]
            %SER 66.67 [ 2 / 3 ]
            Scored 3 sentences, 0 not present in hyp.

            """)
    }

    func testJSONHasAlignmentsOfErroneousUtterancesOnly() throws {
        let reference = write("ref.txt", "u1 a b c d\nu2 ok\n")
        let hypothesis = write("hyp.txt", "u1 a c d e\nu2 ok\n")
        let utterances = try XCTUnwrap(try json(["score", reference, hypothesis, "--format", "json"])["utterances"] as? [[String: Any]])
        XCTAssertEqual(utterances.count, 2)
        let steps = try XCTUnwrap(utterances[0]["alignment"] as? [[String: String]])
        XCTAssertEqual(steps, [["op": "match", "ref": "a", "hyp": "a"], ["op": "del", "ref": "b"], ["op": "match", "ref": "c", "hyp": "c"],
                               ["op": "match", "ref": "d", "hyp": "d"], ["op": "ins", "hyp": "e"]])
        XCTAssertEqual(utterances[0]["ref"] as? String, "a b c d")
        XCTAssertEqual(utterances[0]["hyp"] as? String, "a c d e")
        XCTAssertNil(utterances[1]["alignment"], "no alignment for an utterance without errors")
    }

    func testNormalizeFoldsCaseAndPunctuation() throws {
        let reference = write("ref.txt", "u1 Hello, World! It's fine.\n")
        let hypothesis = write("hyp.txt", "u1 hello world its fine\n")
        XCTAssertTrue(try CLI.run(["score", reference, hypothesis]).stdout.hasPrefix("%WER 100.00 [ 4 / 4,"))
        XCTAssertTrue(try CLI.run(["score", reference, hypothesis, "--normalize"]).stdout.hasPrefix("%WER 0.00 [ 0 / 4,"))
    }

    func testNoCERLeavesTheCharacterRateOut() throws {
        let (reference, hypothesis) = try writeKaldi(try WERFixture.pairs())
        let text = try CLI.run(["score", reference, hypothesis, "--no-cer"]).stdout
        XCTAssertFalse(text.contains("%CER"), text)
        XCTAssertTrue(text.hasPrefix("%WER 30.62 [ 429 / 1401,"), text)
        let totals = try XCTUnwrap(try json(["score", reference, hypothesis, "--no-cer", "--format", "json"])["totals"] as? [String: Any])
        XCTAssertTrue(totals["cer"] is NSNull)
        XCTAssertTrue(totals["characters"] is NSNull)
    }

    func testInsertionsAgainstAnEmptyReferenceAreInfinite() throws {
        let reference = write("ref.txt", "u1\nu2 a\n")
        let hypothesis = write("hyp.txt", "u1 noise\nu2 a\n")
        let tsv = try CLI.run(["score", reference, hypothesis, "--format", "tsv"]).stdout
        XCTAssertTrue(tsv.contains("\nu1\t0\t0\t0\t1\tinf\n"), tsv)
        let report = try json(["score", reference, hypothesis, "--format", "json"])
        let utterances = try XCTUnwrap(report["utterances"] as? [[String: Any]])
        XCTAssertTrue(utterances[0]["wer"] is NSNull, "JSON has no infinity")
        XCTAssertEqual((report["totals"] as? [String: Any])?["wer"] as? Double, 1, "corpus: 1 error over 1 word")
    }

    // MARK: Bad input

    func testMissingHypothesesCountAsDeletionsAndAreNamed() throws {
        let pairs = try WERFixture.pairs()
        let dropped: Set = [3, 10, 11, 50, 120, 200, 299]
        let (reference, hypothesis) = try writeKaldi(pairs, skippingHypotheses: dropped)
        let result = try CLI.run(["score", reference, hypothesis, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(reference): 7 of 300 utterances have no hypothesis in \(hypothesis)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("spk_003 (line 4), spk_010 (line 11)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("and 2 more"), result.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["missing_hypotheses"] as? [String], dropped.sorted().map { String(format: "spk_%03d", $0) })
        let utterances = try XCTUnwrap(report["utterances"] as? [[String: Any]])
        for i in dropped {
            let words = try XCTUnwrap(utterances[i]["words"] as? [String: Int])
            let referenceWords = pairs[i].words.hits + pairs[i].words.substitutions + pairs[i].words.deletions
            XCTAssertEqual(words, ["hits": 0, "substitutions": 0, "deletions": referenceWords, "insertions": 0])
            XCTAssertEqual(utterances[i]["hyp_missing"] as? Bool, true)
        }
        let text = try CLI.run(["score", reference, hypothesis]).stdout
        XCTAssertTrue(text.hasSuffix("Scored 300 sentences, 7 not present in hyp.\n"), text)
    }

    func testBadInputFailsNamingTheFileAndLine() throws {
        let reference = write("ref.txt", "u1 a b\nu2 c d\nu3 e\n")
        let cases: [(reference: String, hypothesis: String, message: String)] = [
            (folder.file("absent.txt"), write("h0.txt", "u1 a\n"), "absent.txt: no such file"),
            (reference, write("h1.txt", "u1 a b\nu9 x\nu2 c d\n"),
             "h1.txt: 1 hypothesis id is not in the reference \(reference): 'u9' (line 2)"),
            (write("dup.txt", "u1 a\nu2 b\n\nu1 c\n"), write("h2.txt", "u1 a\n"),
             "dup.txt:4: utterance id 'u1' appears again (first on line 1)"),
            (reference, writeBytes("h3.txt", Array("u1 a b\nu2 ".utf8) + [0xC3, 0x28] + Array(" d\n".utf8)),
             "h3.txt:2: not valid UTF-8"),
            (write("empty.txt", "\n  \n"), write("h4.txt", "u1 a\n"), "empty.txt: no utterances in the reference file"),
        ]
        for (reference, hypothesis, message) in cases {
            let result = try CLI.run(["score", reference, hypothesis, "--report", folder.file("never.json")])
            XCTAssertEqual(result.status, 1, message)
            XCTAssertEqual(result.stdout, "", message)
            XCTAssertTrue(result.stderr.contains("cochlea: " + (message.hasPrefix("/") ? "" : folder.path + "/") + message),
                          "expected \(message), got \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("never.json")), "no report for bad input")
        }
    }

    func testImpossibleOptionsAreRefused() throws {
        let reference = write("ref.txt", "u1 a\n")
        for (arguments, message) in [
            (["--threads", "0"], "--threads"),
            (["--confusions", "-1"], "--confusions"),
            (["--format", "xml"], "--format"),
            (["--format", "json", "--show-alignment"], "--show-alignment"),
            (["--format", "tsv", "--confusions", "3"], "--confusions"),
        ] {
            let result = try CLI.run(["score", reference, reference] + arguments)
            XCTAssertEqual(result.status, 64, arguments.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    func testHelpTeachesFormatsRatesAndExamples() throws {
        let result = try CLI.run(["score", "--help"])
        XCTAssertEqual(result.status, 0)
        for text in ["utt_001 turn the lights off", "turn the lights off (utt_001)", "(S + D + I) / N", "SER",
                     "not an error", "cochlea score ref.trn hyp.trn", "--report"] {
            XCTAssertTrue(result.stdout.contains(text), text)
        }
    }

    // MARK: Helpers

    private func id(_ pair: WERFixture.Pair) -> String { String(format: "spk_%03d", pair.line - 2) }

    private func write(_ name: String, _ text: String) -> String { folder.write(name, Data(text.utf8)) }

    private func writeBytes(_ name: String, _ bytes: [UInt8]) -> String { folder.write(name, Data(bytes)) }

    /// Kaldi `text` files: `spk_000 words...`, ids speaker-prefixed so that sclite can group them.
    private func writeKaldi(_ pairs: [WERFixture.Pair], skippingHypotheses skipped: Set<Int> = []) throws -> (String, String) {
        let references = pairs.map { "\(id($0)) \($0.reference)\n" }.joined()
        let hypotheses = pairs.enumerated().filter { !skipped.contains($0.offset) }.map { "\(id($0.element)) \($0.element.hypothesis)\n" }.joined()
        return (write("ref.txt", references), write("hyp.txt", hypotheses))
    }

    /// sclite trn files: `words... (spk_000)`.
    private func writeTrn(_ pairs: [WERFixture.Pair]) throws -> (String, String) {
        (write("ref.trn", pairs.map { "\($0.reference) (\(id($0)))\n" }.joined()),
         write("hyp.trn", pairs.map { "\($0.hypothesis) (\(id($0)))\n" }.joined()))
    }

    private func json(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], file: file, line: line)
    }

    /// Per utterance, word and character S+D+I equal jiwer's; corpus WER and CER equal corpus.json exactly.
    private func assertMatchesJiwer(_ report: [String: Any], _ pairs: [WERFixture.Pair], file: StaticString = #filePath, line: UInt = #line) throws {
        let utterances = try XCTUnwrap(report["utterances"] as? [[String: Any]], file: file, line: line)
        XCTAssertEqual(utterances.count, pairs.count, file: file, line: line)
        for (utterance, pair) in zip(utterances, pairs) {
            let words = try XCTUnwrap(utterance["words"] as? [String: Int]), characters = try XCTUnwrap(utterance["characters"] as? [String: Int])
            XCTAssertEqual(utterance["id"] as? String, id(pair), file: file, line: line)
            XCTAssertEqual(words["substitutions"]! + words["deletions"]! + words["insertions"]!, pair.words.errors,
                           "pairs.tsv line \(pair.line): word S+D+I", file: file, line: line)
            XCTAssertEqual(words["hits"], pair.words.hits, "pairs.tsv line \(pair.line): word hits", file: file, line: line)
            XCTAssertEqual(characters["substitutions"]! + characters["deletions"]! + characters["insertions"]!, pair.characters.errors,
                           "pairs.tsv line \(pair.line): character S+D+I", file: file, line: line)
        }
        let totals = try XCTUnwrap(report["totals"] as? [String: Any], file: file, line: line)
        let (wer, cer) = try WERFixture.corpusRates()
        XCTAssertEqual(totals["wer"] as? Double, wer, "corpus WER, exactly", file: file, line: line)
        XCTAssertEqual(totals["cer"] as? Double, cer, "corpus CER, exactly", file: file, line: line)
        XCTAssertEqual(totals["utterances"] as? Int, 300, file: file, line: line)
        XCTAssertEqual(totals["ser"] as? Double, Double(errorful(pairs)) / 300, file: file, line: line)
    }

    private func errorful(_ pairs: [WERFixture.Pair]) -> Int { pairs.filter { $0.words.errors > 0 }.count }

    /// compute-wer's line from jiwer's counts, the rate to two decimals.
    private func summaryLine(_ label: String, _ rate: Double, _ counts: [WERFixture.Counts]) -> String {
        let s = counts.map(\.substitutions).reduce(0, +), d = counts.map(\.deletions).reduce(0, +)
        let i = counts.map(\.insertions).reduce(0, +), n = counts.map(\.hits).reduce(0, +) + s + d
        return String(format: "%@ %.2f [ %d / %d, %d ins, %d del, %d sub ]", label, rate * 100, s + d + i, n, i, d, s)
    }
}
