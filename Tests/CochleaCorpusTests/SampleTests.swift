@testable import CochleaCorpus
import Foundation
import XCTest

/// The small corpus committed under datasets/sample, which the training code's tests read.
final class SampleTests: XCTestCase {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/sample").path

    func testCommittedSampleFollowsTheLayout() throws {
        let root = Self.sample
        let summary = try CorpusLayout.check(root)
        XCTAssertEqual(summary.vocabulary, Set(CorpusOptions.coreWords))
        for split in Split.allCases {
            XCTAssertGreaterThanOrEqual(summary.words[split] ?? 0, 20, "\(split): every word at least once")
            XCTAssertGreaterThan(summary.sentences[split] ?? 0, 0, "\(split) sentences")
        }
        XCTAssertGreaterThan(summary.noiseFiles, 0)

        // Every word occurs in every split, and the lists point at files in word folders.
        let plan = try PlanFile.read(root + "/plan.tsv")
        for split in Split.allCases {
            let words = Set(plan.items.filter { $0.part == .word && $0.split == split }.map(\.transcript))
            XCTAssertEqual(words, Set(CorpusOptions.coreWords), "\(split)")
        }
        for name in ["validation_list.txt", "testing_list.txt"] {
            let lines = try String(contentsOfFile: "\(root)/words/\(name)", encoding: .utf8).split(separator: "\n")
            XCTAssertFalse(lines.isEmpty, name)
            for line in lines {
                XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root)/words/\(line)"), "\(name): \(line)")
                XCTAssertTrue(CorpusOptions.coreWords.contains(String(line.split(separator: "/")[0])), "\(name): \(line)")
            }
        }
        // The manifests agree with the plan: every planned sentence is listed with its transcript.
        for split in Split.allCases {
            let rows = try String(contentsOfFile: "\(root)/sentences/\(split.rawValue).tsv", encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
            let planned = plan.items.filter { $0.part == .sentence && $0.split == split }
            XCTAssertEqual(rows.map { "sentences/" + $0[0] }, planned.map(\.path))
            XCTAssertEqual(rows.map { $0[1] }, planned.map(\.transcript))
        }
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        XCTAssertTrue(readme.contains("cochlea corpus --out datasets/sample"), "the README states the command that made the sample")
    }

    /// Opt-in, for a generated corpus: COCHLEA_CHECK_CORPUS=datasets/generated/full swift test --filter SampleTests
    func testGeneratedCorpusFollowsTheLayout() throws {
        guard let root = ProcessInfo.processInfo.environment["COCHLEA_CHECK_CORPUS"] else {
            throw XCTSkip("set COCHLEA_CHECK_CORPUS to a corpus folder to check it")
        }
        let summary = try CorpusLayout.check(root)
        for split in Split.allCases { XCTAssertGreaterThan(summary.words[split] ?? 0, 0, "\(split)") }
        print("\(root): words \(summary.words), sentences \(summary.sentences), speakers \(summary.speakers.mapValues(\.count))")
    }
}
