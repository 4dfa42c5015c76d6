import CochleaCore
import CochleaTestSupport
import Foundation
import XCTest

final class FastLogTests: XCTestCase {
    func testAgreesWithLibmWithinTwoUlps() {
        var random = SeededRandom(seed: 9)
        var worst: Float = 0
        for _ in 0..<20_000 {
            // Log-uniform over the normal floats, plus the neighbourhood of 1 where log is small.
            let x = Float(pow(2.0, random.nextUnitDouble() * 250 - 125))
            let near = 1 + (random.nextUnitFloat() - 0.5) * 0.2
            for value in [x, near] {
                let ours = FastLog.log(SIMD8(repeating: value))[0]
                let exact = Float(Foundation.log(Double(value)))
                worst = max(worst, abs(ours - exact) / max(exact.ulp, Float.leastNormalMagnitude))
            }
        }
        XCTAssertLessThanOrEqual(worst, 2, "largest error in ulps")
    }

    func testLogInPlaceFloorsAndHandlesTails() {
        for n in [1, 7, 8, 13, 23, 40] {
            var values = (0..<n).map { Float($0) * 0.37 }
            values.withUnsafeMutableBufferPointer { FastLog.logInPlace($0.baseAddress!, n, floor: 1e-3) }
            for i in 0..<n {
                XCTAssertEqual(values[i], Foundation.log(max(Float(i) * 0.37, 1e-3)), accuracy: 1e-6, "n \(n), i \(i)")
            }
        }
    }
}

final class VectorReductionTests: XCTestCase {
    func testReductionsEqualPlainLoopsToRounding() {
        var random = SeededRandom(seed: 4)
        for n in [1, 5, 8, 9, 31, 400] {
            let x = (0..<n).map { _ in Float(random.nextGaussian()) }
            let y = (0..<n).map { _ in Float(random.nextGaussian()) }
            let sum = x.map(Double.init).reduce(0, +)
            let dot = zip(x, y).map { Double($0) * Double($1) }.reduce(0, +)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeBufferPointer { yp in
                    XCTAssertEqual(Double(VectorReductions.sum(xp.baseAddress!, n)), sum, accuracy: 1e-4)
                    XCTAssertEqual(Double(VectorReductions.dot(xp.baseAddress!, yp.baseAddress!, n)), dot, accuracy: 1e-4)
                    XCTAssertEqual(VectorReductions.max(xp.baseAddress!, n), x.max()!)
                    let centered = x.map { (Double($0) * 3 - 0.5) * (Double($0) * 3 - 0.5) }.reduce(0, +)
                    XCTAssertEqual(Double(VectorReductions.centeredSumOfSquares(xp.baseAddress!, n, scale: 3, mean: 0.5)),
                                   centered, accuracy: 1e-3 * max(1, centered))
                }
            }
        }
    }

    func testWindowMeanSquaresKeepAShortLastWindow() {
        let x: [Float] = [1, -1, 2, 2, 3]
        XCTAssertEqual(x.withUnsafeBufferPointer { VectorReductions.windowMeanSquares($0, window: 2) }, [1, 4, 9])
        XCTAssertEqual(x.withUnsafeBufferPointer { VectorReductions.windowMeanSquares($0, window: 5) }, [19.0 / 5])
        XCTAssertEqual([Float]().withUnsafeBufferPointer { VectorReductions.windowMeanSquares($0, window: 3) }, [])
    }

    func testPeakMagnitudeIsTheLargestMagnitudeEitherSign() {
        XCTAssertEqual(VectorReductions.peakMagnitude([0.25, -0.75, 0.5]), 0.75)
        XCTAssertEqual(VectorReductions.peakMagnitude([0.25, 0.9, -0.5]), 0.9)
        XCTAssertEqual(VectorReductions.peakMagnitude([]), 0)
    }
}

final class SeededRandomTests: XCTestCase {
    func testSameSeedSameStreamAndGaussianMoments() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        XCTAssertEqual(first, (0..<5).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<5).map { _ in c.next() })
        var g = SeededRandom(seed: 1)
        let samples = (0..<100_000).map { _ in g.nextGaussian() }
        let mean = samples.reduce(0, +) / 1e5
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1e5
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
    }
}

final class NpyTests: XCTestCase {
    let folder = TemporaryDirectory()

    func testRoundTripAndHeaderAlignment() throws {
        let values: [Float] = [1, -2.5, 3.25, .greatestFiniteMagnitude, 0, -0]
        let path = folder.file("a.npy")
        try Npy.write(values, shape: [2, 3], to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual((data.count - values.count * 4) % 64, 0, "header padded to 64 bytes")
        let back = try Npy.read(path)
        XCTAssertEqual(back.shape, [2, 3])
        XCTAssertEqual(back.floats, values)
        try Npy.write([], shape: [0, 13], to: path)
        XCTAssertEqual(try Npy.read(path).shape, [0, 13])
    }

    func testReadsTheReferenceDtypes() throws {
        XCTAssertEqual(try Fixtures.npy("lstm/lengths.npy").values, [20, 15, 7])
        XCTAssertEqual(try Fixtures.npy("features/chirp.kaldi_mfcc.npy").shape, [198, 13])
    }

    func testMalformedFilesAreRejectedWithTheReason() throws {
        let good = Npy.encode(shape: [4], values: [1, 2, 3, 4])
        let cases: [(String, Data, String)] = [
            ("magic", Data("NUMPY".utf8), "magic"),
            ("short", good.prefix(good.count - 3), "data bytes"),
            ("dtype", Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "<f4", with: "<c8").utf8), "dtype"),
        ]
        for (name, data, reason) in cases {
            let path = folder.write("\(name).npy", data)
            XCTAssertThrowsError(try Npy.read(path), name) { error in
                XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
                XCTAssertTrue("\(error)".contains(reason), "\(error)")
            }
        }
    }
}

final class AtomicFileTests: XCTestCase {
    let folder = TemporaryDirectory()

    func testReplacesWholeFileAndLeavesNoTemporaries() throws {
        let path = folder.file("report.json")
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["report.json"])
    }

    func testFailedRenameKeepsWhatWasThereAndLeavesNoTemporary() throws {
        // The destination is a non-empty folder, so the final rename fails after the bytes are written.
        let path = folder.file("occupied")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try AtomicFile.write("inside", to: path + "/keep.txt")
        XCTAssertThrowsError(try AtomicFile.write("new", to: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ": could not write"), "\(error)")
            XCTAssertTrue("\(error)".contains("previous file at that path is unchanged"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path + "/keep.txt", encoding: .utf8), "inside")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["occupied"])
    }

    func testDiskFullIsReported() throws {
        // /dev/full accepts an open and fails every write with ENOSPC; the folder /dev is not ours
        // to create temporaries in, so this checks the error path of a failing device instead.
        XCTAssertThrowsError(try AtomicFile.write(Data(repeating: 1, count: 10), to: "/dev/full/x")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/dev/full/x: could not write"), "\(error)")
        }
    }
}

final class LengthGroupsTests: XCTestCase {
    /// Groups of similar length, shortest group first, each group longest first, every index once.
    func testGroupsAreSortedAndEachComesLongestFirst() {
        let lengths = [5, 1, 9, 3, 5, 7, 2]
        let groups = LengthGroups.make(lengths, batchSize: 3)
        XCTAssertEqual(groups, [[3, 6, 1], [5, 4, 0], [2]])
        for group in groups { XCTAssertEqual(group.map { lengths[$0] }, group.map { lengths[$0] }.sorted(by: >)) }
        XCTAssertEqual(LengthGroups.make([], batchSize: 4), [])
        XCTAssertEqual(LengthGroups.longestFirst(lengths), [2, 5, 0, 4, 3, 6, 1])
        XCTAssertEqual(LengthGroups.longestFirst([]), [])
    }
}
