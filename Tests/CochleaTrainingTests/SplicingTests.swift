import CochleaAudio
import CochleaCore
import CochleaFeatures
import CochleaTestSupport
@testable import CochleaTraining
import Foundation
import XCTest

final class SplicingTests: XCTestCase {
    let rate = 16000
    let window = 160

    /// testWord's speech is windows 30...69 (samples 4800..<11200), its floor 57 dB under it.
    func testTwoWordsMeetWithTheirMarginsAndKeepTheirOuterPauses() {
        let word = testWord()
        XCTAssertEqual(SpeechSpan.windows(in: word, window: window, depth: SplicingOptions.speechDepth), 30...69)
        let joined = SplicingOptions.join([word, word], margins: [800, 480], window: window, fade: 80)
        // The first word to 800 samples past its speech, the second from 480 before its own, 80 shared.
        XCTAssertEqual(joined.count, (11200 + 800) + (16000 - 4800 + 480) - 80)
        XCTAssertEqual(Array(joined[0..<(12000 - 80)]), Array(word[0..<(12000 - 80)]))
        XCTAssertEqual(Array(joined[12000...]), Array(word[(4800 - 480 + 80)...]))
        for k in 0..<80 {
            let rising = Float(k + 1) / 81
            let expected = word[12000 - 80 + k] * (1 - rising) + word[4800 - 480 + k] * rising
            XCTAssertEqual(joined[12000 - 80 + k], expected, accuracy: 1e-6)
        }
    }

    func testAMiddleWordIsCutOnBothSidesAndASilentClipKeptWhole() {
        let word = testWord()
        let three = SplicingOptions.join([word, word, word], margins: [0, 0, 0, 0], window: window, fade: 0)
        XCTAssertEqual(three.count, 11200 + 6400 + (16000 - 4800))
        XCTAssertEqual(Array(three[11200..<17600]), Array(word[4800..<11200]))
        let silence = [Float](repeating: 0, count: 8000)
        let withSilence = SplicingOptions.join([silence, word], margins: [100, 100], window: window, fade: 0)
        XCTAssertEqual(withSilence, silence + Array(word[(4800 - 100)...]))
        XCTAssertEqual(SplicingOptions.join([word], margins: [], window: window, fade: 80), word)
    }

    func testSeededDrawsNameTheWordAmongPartnersInTheRange() {
        var options = SplicingOptions(probability: 1)
        options.words = 2...4
        var random = SeededRandom(seed: 4)
        var counts = Set<Int>(), places = Set<Int>()
        for _ in 0..<200 {
            let words = options.draw(around: 7, from: [1, 2, 3], random: &random)
            counts.insert(words.count)
            let place = words.firstIndex(of: 7)
            XCTAssertNotNil(place)
            places.insert(place ?? -1)
            XCTAssertTrue(words.allSatisfy { [1, 2, 3, 7].contains($0) })
        }
        XCTAssertEqual(counts, [2, 3, 4])
        XCTAssertEqual(places, [0, 1, 2, 3])
        let word = testWord()
        var first = SeededRandom(seed: 9), second = SeededRandom(seed: 9)
        XCTAssertEqual(options.join([word, word], sampleRate: rate, random: &first), options.join([word, word], sampleRate: rate, random: &second))
    }

    func testImpossibleOptionsAreRefused() {
        var options = SplicingOptions(probability: 1.5)
        XCTAssertThrowsError(try options.validate())
        options = SplicingOptions()
        options.words = 1...3
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("2 to 8 words"), "\($0)") }
        options.words = 2...3
        options.margin = 0...2
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("0...1 seconds"), "\($0)") }
        options.margin = 0...0.1
        XCTAssertNoThrow(try options.validate())
        var training = TrainingOptions()
        training.splicing = SplicingOptions(probability: -1)
        XCTAssertThrowsError(try training.validate())
    }

    /// With splicing on every single word and nothing else, each comes out as two words of its own
    /// speaker, spoken in its own clip's place and longer than it; a sentence stays as cached.
    func testSingleWordsAreJoinedWithTheirSpeakersWordsInABatch() throws {
        let folder = TemporaryDirectory()
        let clip = testWord()
        try AudioWriter.write(clip, sampleRate: rate, encoding: .wavPCM16, to: folder.file("word.wav"))
        try AudioWriter.write(clip + clip, sampleRate: rate, encoding: .wavPCM16, to: folder.file("sentence.wav"))
        let said = [("go", "a", "word"), ("up", "a", "word"), ("no", "b", "word"), ("go up", "a", "sentence")]
        let utterances = said.enumerated().map { i, entry in
            Utterance(id: "\(i)", path: folder.file(entry.2 + ".wav"), transcript: entry.0, split: .train, speaker: entry.1, source: "\(i)")
        }
        let tokenizer = Tokenizer.build(from: said.map(\.0))
        var options = TrainingOptions()
        options.speedProbability = 0
        options.warpProbability = 0
        options.specAugment = .off
        var splicing = SplicingOptions(probability: 1)
        splicing.words = 2...2
        options.splicing = splicing
        var problems = [DatasetProblem]()
        let store = try FeatureStore(utterances: utterances, pipeline: options.features, threads: 1, problems: &problems)
        let items = utterances.map { PlannedUtterance(utterance: $0, target: tokenizer.encode($0.transcript)!) }
        XCTAssertThrowsError(try BatchPreparer(items: items, store: store, options: options, mixer: nil, training: [0, 1, 2, 3])) {
            XCTAssertTrue("\($0)".contains("the model's tokens have none"), "\($0)")
        }
        let preparer = try BatchPreparer(items: items, store: store, options: options, mixer: nil,
                                         training: [0, 1, 2, 3], separator: tokenizer.encode(" ")!.first)
        var pairs = Set<String>()
        for epoch in 0..<10 {
            let batch = try preparer.prepare([0, 1, 2, 3], epoch: epoch, batch: 0)
            var offset = 0
            let transcripts = batch.ctc.targetLengths.map { length -> String in
                defer { offset += length }
                return tokenizer.decode(batch.ctc.targets[offset..<(offset + length)].map(Int.init))
            }
            for (b, transcript) in transcripts.prefix(3).enumerated() {
                let words = transcript.split(separator: " ").map(String.init)
                XCTAssertEqual(words.count, 2, transcript)
                XCTAssertTrue(words.contains(said[b].0), "\(transcript) holds \(said[b].0)")
                XCTAssertTrue(words.allSatisfy { b == 2 ? $0 == "no" : ["go", "up"].contains($0) }, "\(transcript): one speaker's words")
                XCTAssertGreaterThan(batch.lengths[b], store.frames[b])
                pairs.insert(transcript)
            }
            XCTAssertEqual(transcripts[3], "go up")
            XCTAssertEqual(batch.lengths[3], store.frames[3])
        }
        XCTAssertTrue(pairs.isSuperset(of: ["go up", "up go", "no no"]), "\(pairs)")
    }
}
