import CochleaDistributed
import XCTest

final class CommunicatorTests: XCTestCase {
    /// MPI is started only for a process an MPI launcher started; a plain run never touches it.
    func testOnlyAnMPILauncherEnvironmentStartsMPI() {
        XCTAssertFalse(Distributed.launchedByMPI([:]))
        XCTAssertFalse(Distributed.launchedByMPI(["PATH": "/usr/bin", "OMPI_MCA_foo": "1"]))
        XCTAssertTrue(Distributed.launchedByMPI(["OMPI_COMM_WORLD_SIZE": "2"]))
        XCTAssertTrue(Distributed.launchedByMPI(["PMIX_RANK": "0"]))
        if !Distributed.launchedByMPI(ProcessInfo.processInfo.environment) {
            XCTAssertFalse(Distributed.current.isDistributed)
            XCTAssertEqual(Distributed.current.size, 1)
        }
    }

    func testASingleProcessIsRankZeroOfOneAndItsCollectivesReturnTheirInput() {
        let one = SingleProcess()
        XCTAssertEqual([one.rank, one.size], [0, 1])
        XCTAssertEqual(one.roundRobin(5), [0, 1, 2, 3, 4])
        var values: [Float] = [1, 2, 3]
        values.withUnsafeMutableBufferPointer { one.allreduceSum($0, scale: 0.5) }
        XCTAssertEqual(values, [0.5, 1, 1.5])
        XCTAssertEqual(one.allreduceSum([3, 4]), [3, 4])
        let doubles = [0.1, -0.0, .infinity, 1e-300]
        XCTAssertEqual(one.allgather(doubles: doubles)[0].map(\.bitPattern), doubles.map(\.bitPattern))
        XCTAssertEqual(one.allgather(strings: ["", "héllo wörld", "a\u{0}b"]), [["", "héllo wörld", "a\u{0}b"]])
        XCTAssertEqual(one.gatherRoundRobin(strings: ["x", "y"], count: 2), ["x", "y"])
        XCTAssertEqual(one.broadcast(bytes: [1, 2], root: 0), [1, 2])
        XCTAssertFalse(one.any(false))
        XCTAssertTrue(one.any(true))
    }

    /// Overlapped slices are all reduced by `finish()`, in a single process too.
    func testOverlappedReductionFinishesEverySlice() {
        var values = [Float](repeating: 2, count: 10)
        values.withUnsafeMutableBufferPointer { buffer in
            let reduction = OverlappedReduction(communicator: SingleProcess())
            reduction.reduce(UnsafeMutableBufferPointer(rebasing: buffer[0..<4]), scale: 0.5)
            reduction.reduce(UnsafeMutableBufferPointer(rebasing: buffer[4..<10]), scale: 3)
            reduction.finish()
        }
        XCTAssertEqual(values, [1, 1, 1, 1, 6, 6, 6, 6, 6, 6])
    }
}
