import CochleaAudio
import CochleaCore
import CochleaTestSupport
@testable import CochleaTraining
import XCTest

final class BatchPreparerTests: XCTestCase {
    /// A prepared batch keeps the members in the order drawn (the network packs any order
    /// longest first itself), each target beside its utterance.
    func testABatchKeepsTheDrawnOrderWithItsTargets() throws {
        let folder = TemporaryDirectory()
        let clip = testWord(), rate = 16000
        try AudioWriter.write(clip, sampleRate: rate, encoding: .wavPCM16, to: folder.file("short.wav"))
        try AudioWriter.write(clip + clip + clip, sampleRate: rate, encoding: .wavPCM16, to: folder.file("long.wav"))
        try AudioWriter.write(clip + clip, sampleRate: rate, encoding: .wavPCM16, to: folder.file("middle.wav"))
        let names = ["short", "long", "middle"]
        let utterances = names.map {
            Utterance(id: $0, path: folder.file("\($0).wav"), transcript: "go", split: .train, speaker: nil, source: $0)
        }
        var options = TrainingOptions()
        options.speedProbability = 0
        options.warpProbability = 0
        var problems = [DatasetProblem]()
        let store = try FeatureStore(utterances: utterances, pipeline: options.features, threads: 1, problems: &problems)
        let items = utterances.indices.map { PlannedUtterance(utterance: utterances[$0], target: [Int32($0 + 3)]) }
        let preparer = try BatchPreparer(items: items, store: store, options: options, mixer: nil)
        let batch = try preparer.prepare([0, 1, 2], epoch: 0, batch: 0)
        XCTAssertEqual(batch.lengths, [store.frames[0], store.frames[1], store.frames[2]])
        XCTAssertEqual(batch.ctc.targets, [3, 4, 5])
        XCTAssertGreaterThan(store.frames[1], store.frames[2])
        XCTAssertGreaterThan(store.frames[2], store.frames[0])
        let shard = try preparer.prepare([2, 0], positions: [5, 9], epoch: 0, batch: 0)
        XCTAssertEqual(shard.lengths, [store.frames[2], store.frames[0]])
        XCTAssertEqual(shard.ctc.targets, [5, 3])
    }
}
