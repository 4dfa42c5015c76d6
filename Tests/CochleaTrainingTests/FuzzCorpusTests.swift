import CochleaTestSupport
@testable import CochleaTraining
import Foundation
import XCTest

/// The manifest and Kaldi fuzz targets' seeds: a broken one is refused with a typed error (or, for a
/// manifest, reports problems for its lines); the others give utterances. (Valid seeds may still
/// list problems they are there to show: a duplicate, a piped command, an id without text.)
final class TrainingFuzzCorpusTests: XCTestCase {
    func testManifestSeedsAreWhatTheirNamesSay() throws {
        let seeds = try FuzzCorpus.seeds("manifest")
        XCTAssertGreaterThan(seeds.count, 4)
        for seed in seeds {
            do {
                let dataset = try ManifestReader.parse(seed.data, path: "/nonexistent/" + seed.name, defaultSplit: .train)
                XCTAssertTrue(!seed.isBroken || !dataset.problems.isEmpty, "\(seed.name) read without problems")
                XCTAssertFalse(dataset.utterances.isEmpty, seed.name)
            } catch let error as DatasetError {
                XCTAssertTrue(seed.isBroken, "\(seed.name): \(error)")
            }
        }
    }

    func testKaldiSeedsAreWhatTheirNamesSay() throws {
        let seeds = try FuzzCorpus.seeds("kaldi")
        XCTAssertGreaterThan(seeds.count, 3)
        for seed in seeds {
            let parts = FuzzCorpus.parts(seed.data, maximum: 3)
            do {
                let dataset = try KaldiDirectoryReader.parse(wavScp: parts[0], text: parts[1], utt2spk: parts.count > 2 ? parts[2] : nil,
                                                             root: "/nonexistent/" + seed.name, defaultSplit: .train)
                XCTAssertFalse(seed.isBroken, "\(seed.name) read")
                XCTAssertFalse(dataset.utterances.isEmpty, seed.name)
            } catch let error as DatasetError {
                XCTAssertTrue(seed.isBroken, "\(seed.name): \(error)")
            }
        }
    }
}
