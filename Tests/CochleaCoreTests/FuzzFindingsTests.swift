import CochleaCore
import CochleaTestSupport
import Foundation
import XCTest

/// Inputs that crashed a fuzz target (scripts/fuzz.sh), each reduced to what triggered it. They must
/// now fail with a typed error.
final class CoreFuzzFindingsTests: XCTestCase {
    /// A .npy header with a version-1 layout and the given dictionary.
    func npy(header: String, data: [UInt8] = []) -> Data {
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8) + data
        return Data(bytes)
    }

    /// npy: the product of the shape overflowed Int (a trap) before it was compared with the data.
    func testNpyShapeWhoseProductOverflowsIsRejected() {
        for shape in ["(4294967296, 4294967296)", "(2, 9223372036854775807)", "(0, 9223372036854775807, 2)"] {
            let data = npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }\n", data: [0, 0, 0, 0])
            XCTAssertThrowsError(try Npy.decode(data, path: "x.npy"), shape) { error in
                guard case NpyError.malformed(let path, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(path, "x.npy")
            }
        }
    }
}

final class CoreFuzzCorpusTests: XCTestCase {
    func testNpySeedsAreWhatTheirNamesSay() throws {
        let seeds = try FuzzCorpus.seeds("npy")
        XCTAssertGreaterThan(seeds.count, 5)
        for seed in seeds {
            do {
                _ = try Npy.decode(seed.data, path: seed.name)
                XCTAssertFalse(seed.isBroken, "\(seed.name) decoded")
            } catch let error as NpyError {
                XCTAssertTrue(seed.isBroken, "\(seed.name): \(error)")
            }
        }
    }
}
