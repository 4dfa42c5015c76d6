import CochleaCore
import CochleaFeatures
import CochleaTestSupport
import CochleaTraining
import Foundation
import XCTest

/// Features of many files computed on two threads, in memory and through a cache folder. Under
/// `swift test --sanitize=address` LeakSanitizer also checks that the matrices are released: the
/// store used to free its result buffer without deinitialising it, leaking every matrix.
final class FeatureStoreTests: XCTestCase {
    let folder = TemporaryDirectory()

    func utterances() throws -> [Utterance] {
        try TinyCorpus.write(to: folder.file("corpus"), perWord: 4)
        var list = try DatasetLoader.load(folder.file("corpus")).utterances
        list.append(Utterance(id: "missing", path: folder.file("missing.wav"), transcript: "x", split: .train, speaker: nil,
                              source: "list:9"))
        return list
    }

    func testCachedAndInMemoryFeaturesOnTwoThreadsAgreeWithOneThread() throws {
        let list = try utterances()
        let pipeline = FeaturePipeline(options: .kaldiFbank, normalization: .mean)
        var problems = [DatasetProblem]()
        let oneThread = try FeatureStore(utterances: list, pipeline: pipeline, threads: 1, problems: &problems)
        XCTAssertEqual(problems.map(\.kind), [.missingAudio])
        XCTAssertEqual(problems.first?.location, "list:9")
        let progress = Counter()
        var cachedProblems = [DatasetProblem]()
        let cached = try FeatureStore(utterances: list, pipeline: pipeline, threads: 2, cacheFolder: folder.file("cache"),
                                      problems: &cachedProblems, progress: { for _ in 0..<$0 { progress.increment() } })
        XCTAssertEqual(progress.value, list.count, "progress is called once per utterance, from either thread")
        XCTAssertEqual(cachedProblems, problems)
        XCTAssertEqual(cached.memoryBytes, 0, "a cache folder keeps the features on disk")
        XCTAssertEqual(cached.frames, oneThread.frames)
        XCTAssertEqual(cached.frames.last, 0, "the missing file has no frames")
        for i in list.indices {
            XCTAssertEqual(try cached.features(i), try oneThread.features(i), list[i].id)
        }
        // A second store finds every matrix in the cache.
        var again = [DatasetProblem]()
        let reread = try FeatureStore(utterances: list, pipeline: pipeline, threads: 2, cacheFolder: folder.file("cache"), problems: &again)
        XCTAssertEqual(reread.frames, oneThread.frames)
        XCTAssertEqual(try reread.features(0), try oneThread.features(0))
    }
}
