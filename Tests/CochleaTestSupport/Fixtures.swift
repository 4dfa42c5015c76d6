import CochleaCore
import Foundation
import XCTest

/// Oracle values copied from `../shared/reference` (see `Fixtures/REFERENCE.md`) and helpers to
/// compare against them.
public enum Fixtures {
    /// Absolute path of a file under `Fixtures/`, e.g. `"audio/chirp.wav"`.
    public static func path(_ relative: String) -> String {
        EndOfTests.install()
        return Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(relative).path
    }

    public static func npy(_ relative: String) throws -> NpyArray { try Npy.read(path(relative)) }
}

/// A fresh folder under the system's temporary directory, removed when the value is released or,
/// for one stored in a test case (which XCTest on Linux never releases), when all tests have run.
public final class TemporaryDirectory {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "cochlea-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        EndOfTests.adopt(path)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
        EndOfTests.release(path)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ data: Data) -> String {
        let target = file(name)
        try! data.write(to: URL(fileURLWithPath: target))
        return target
    }
}

/// Largest difference between two arrays, for failure messages and assertions.
public struct Difference: CustomStringConvertible {
    public var index = -1
    public var actual = 0.0
    public var expected = 0.0
    public var absolute = 0.0
    /// |actual − expected| / max(1, |expected|), the measure the reference README suggests.
    public var scaled = 0.0
    public var failures = 0
    /// The element furthest outside its tolerance, if any is.
    public var worstFailure: (index: Int, actual: Double, expected: Double)?

    public var description: String {
        var text = "largest difference \(absolute) at index \(index) (ours \(actual), reference \(expected)); \(failures) elements outside tolerance"
        if let w = worstFailure { text += "; worst of those at index \(w.index): ours \(w.actual), reference \(w.expected)" }
        return text
    }
}

/// Asserts that every element is within `absolute` OR within `relative` of the reference, and reports
/// the largest difference when it is not.
@discardableResult
public func assertClose(
    _ actual: [Double], _ expected: [Double], absolute: Double, relative: Double, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
) -> Difference {
    guard actual.count == expected.count else {
        XCTFail("\(label): \(actual.count) values, reference has \(expected.count)", file: file, line: line)
        return Difference()
    }
    var worst = Difference()
    var worstExcess = 0.0
    for i in 0..<actual.count {
        let a = actual[i], e = expected[i]
        let diff = abs(a - e)
        let allowed = max(absolute, relative * abs(e))
        if diff > allowed || !a.isFinite {
            worst.failures += 1
            let excess = a.isFinite ? diff / allowed : .infinity
            if excess > worstExcess {
                worstExcess = excess
                worst.worstFailure = (i, a, e)
            }
        }
        if diff > worst.absolute || !a.isFinite || worst.index < 0 {
            worst.index = i
            worst.actual = a
            worst.expected = e
            worst.absolute = a.isFinite ? diff : .infinity
        }
        worst.scaled = max(worst.scaled, diff / max(1, abs(e)))
    }
    XCTAssertEqual(worst.failures, 0, "\(label): \(worst)", file: file, line: line)
    return worst
}

/// Two runs of the network that should agree: equal to float rounding. Bit-identity is not asked
/// for, because OpenBLAS's kernels may block a product differently when the batch around an
/// utterance changes (seen with its Haswell kernels, which OPENBLAS_CORETYPE=Haswell forced on a
/// Zen 5; not on Zen 4 with the AVX-512 kernels it picks there).
@discardableResult
public func assertSameLogProbs(
    _ actual: [Float]?, _ expected: [Float]?, _ label: String, file: StaticString = #filePath, line: UInt = #line
) -> Difference {
    guard let actual, let expected else {
        XCTFail("\(label): log-probabilities missing", file: file, line: line)
        return Difference()
    }
    return assertClose(actual, expected.map(Double.init), absolute: 1e-5, relative: 1e-5, label, file: file, line: line)
}

@discardableResult
public func assertClose(
    _ actual: [Float], _ expected: [Double], absolute: Double, relative: Double, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
) -> Difference {
    assertClose(actual.map(Double.init), expected, absolute: absolute, relative: relative, label, file: file, line: line)
}
