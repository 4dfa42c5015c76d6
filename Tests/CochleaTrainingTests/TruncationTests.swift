import CochleaAudio
import CochleaCore
import CochleaFeatures
import CochleaTestSupport
@testable import CochleaTraining
import Foundation
import XCTest

final class TruncationTests: XCTestCase {
    let rate = 16000
    let window = 160

    func word() -> [Float] { testWord() }

    func testTheEndCutTakesTheAskedShareOfTheWordAndEverythingAfterIt() {
        let clip = word()
        let cut = TruncationOptions.truncate(clip, window: window, fraction: 0.25, atEnd: true)
        // 40 windows of word, 10 of them cut: what is left ends 30 windows into the word, in the tone.
        XCTAssertEqual(cut.count, (30 + 30) * window)
        XCTAssertEqual(cut, Array(clip[0..<cut.count]))
        XCTAssertGreaterThan(cut.suffix(window).map { abs($0) }.max()!, 0.4)
    }

    func testTheStartCutKeepsTheRestOfTheClip() {
        let clip = word()
        let cut = TruncationOptions.truncate(clip, window: window, fraction: 0.1, atEnd: false)
        // 4 of the word's 40 windows cut, with the 30 of pause before them.
        XCTAssertEqual(cut.count, clip.count - 34 * window)
        XCTAssertEqual(cut, Array(clip[(34 * window)...]))
        XCTAssertGreaterThan(cut.prefix(window).map { abs($0) }.max()!, 0.4)
    }

    func testASilentClipOrANothingCutStaysWhole() {
        let silence = [Float](repeating: 0, count: 8000)
        XCTAssertEqual(TruncationOptions.truncate(silence, window: window, fraction: 0.3, atEnd: true), silence)
        let clip = word()
        XCTAssertEqual(TruncationOptions.truncate(clip, window: window, fraction: 0.01, atEnd: false), clip)
    }

    func testSeededDrawsCutBothEndsWithinTheRange() {
        let clip = word()
        var options = TruncationOptions(probability: 1)
        options.fraction = 0.1...0.3
        var random = SeededRandom(seed: 3)
        var ends = Set<Bool>()
        for _ in 0..<40 {
            let cut = options.truncate(clip, sampleRate: rate, random: &random)
            let atEnd = cut.first == clip.first
            ends.insert(atEnd)
            // Either end: the other end's 30 windows of pause stay, with what is left of the word.
            let wordWindowsLeft = cut.count / window - 30
            XCTAssertTrue((28...36).contains(wordWindowsLeft), "\(wordWindowsLeft) of 40 windows left")
        }
        XCTAssertEqual(ends, [true, false])
        var first = SeededRandom(seed: 9), second = SeededRandom(seed: 9)
        XCTAssertEqual(options.truncate(clip, sampleRate: rate, random: &first), options.truncate(clip, sampleRate: rate, random: &second))
    }

    func testImpossibleOptionsAreRefused() {
        var options = TruncationOptions(probability: 1.5)
        XCTAssertThrowsError(try options.validate())
        options = TruncationOptions(probability: 0.2)
        options.fraction = 0.1...0.9
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("0...0.6"), "\($0)") }
        options.fraction = 0.05...0.3
        XCTAssertNoThrow(try options.validate())
        var training = TrainingOptions()
        training.truncation = TruncationOptions(probability: -1)
        XCTAssertThrowsError(try training.validate())
    }

    /// With truncation on every utterance and nothing else, a batch's single word comes out shorter
    /// than its cached features and a sentence exactly as cached.
    func testOnlySingleWordsAreCutInABatch() throws {
        let folder = TemporaryDirectory()
        let clip = word()
        try AudioWriter.write(clip, sampleRate: rate, encoding: .wavPCM16, to: folder.file("word.wav"))
        try AudioWriter.write(clip + clip, sampleRate: rate, encoding: .wavPCM16, to: folder.file("sentence.wav"))
        let utterances = [
            Utterance(id: "w", path: folder.file("word.wav"), transcript: "go", split: .train, speaker: nil, source: "w"),
            Utterance(id: "s", path: folder.file("sentence.wav"), transcript: "go go", split: .train, speaker: nil, source: "s"),
        ]
        var options = TrainingOptions()
        options.speedProbability = 0
        options.warpProbability = 0
        options.specAugment.frequencyMasks = 0
        options.specAugment.timeMasks = 0
        options.truncation = TruncationOptions(probability: 1)
        var problems = [DatasetProblem]()
        let store = try FeatureStore(utterances: utterances, pipeline: options.features, threads: 1, problems: &problems)
        let items = utterances.map { PlannedUtterance(utterance: $0, target: [3, 4]) }
        let preparer = try BatchPreparer(items: items, store: store, options: options, mixer: nil)
        for epoch in 0..<3 {
            let batch = try preparer.prepare([0, 1], epoch: epoch, batch: 0)
            XCTAssertLessThan(batch.lengths[0], store.frames[0])
            XCTAssertEqual(batch.lengths[1], store.frames[1])
        }
    }
}
