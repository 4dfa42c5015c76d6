import CMPI
import Foundation

/// MPI_COMM_WORLD of Open MPI. The only code that touches MPI's C API: no MPI type leaves this file.
final class MPIWorld: Communicator {
    let rank: Int
    let size: Int
    var isDistributed: Bool { true }
    let allowsBackgroundCalls: Bool
    private let world = cmpi_comm_world()

    /// Initialises MPI (once per process) and arranges for MPI_Finalize at a normal exit.
    init() {
        var provided: Int32 = 0
        // Serialized: any thread may call MPI, never two at once (the background reduction and
        // the main thread take turns).
        let required = Int32(MPI_THREAD_SERIALIZED)
        MPIWorld.check(MPI_Init_thread(nil, nil, required, &provided), "MPI_Init_thread")
        allowsBackgroundCalls = provided >= required
        var r: Int32 = 0, s: Int32 = 0
        MPIWorld.check(MPI_Comm_rank(world, &r), "MPI_Comm_rank")
        MPIWorld.check(MPI_Comm_size(world, &s), "MPI_Comm_size")
        rank = Int(r)
        size = Int(s)
        atexit {
            var finalized: Int32 = 0
            MPI_Finalized(&finalized)
            if finalized == 0 { MPI_Finalize() }
        }
    }

    /// MPI's default error handler already ends the job on a failed call; this catches the rest.
    private static func check(_ code: Int32, _ call: String) {
        guard code != MPI_SUCCESS else { return }
        FileHandle.standardError.write(Data("cochlea: \(call) failed with MPI error \(code)\n".utf8))
        MPI_Abort(cmpi_comm_world(), 1)
    }

    /// MPI counts are 32-bit: larger buffers go in pieces.
    private static let piece = 1 << 30

    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, scale: Float) {
        guard let base = buffer.baseAddress else { return }
        var start = 0
        while start < buffer.count {
            let count = min(MPIWorld.piece, buffer.count - start)
            MPIWorld.check(MPI_Allreduce(cmpi_in_place(), base + start, Int32(count), cmpi_float(), cmpi_sum(), world), "MPI_Allreduce")
            start += count
        }
        if scale != 1 { for i in buffer.indices { buffer[i] *= scale } }
    }

    func allreduceSum(_ values: [Int]) -> [Int] {
        var buffer = values.map(Int64.init)
        MPIWorld.check(MPI_Allreduce(cmpi_in_place(), &buffer, Int32(buffer.count), cmpi_int64(), cmpi_sum(), world), "MPI_Allreduce")
        return buffer.map(Int.init)
    }

    func allgather(bytes: [UInt8]) -> [[UInt8]] {
        var count = Int32(bytes.count)
        var counts = [Int32](repeating: 0, count: size)
        MPIWorld.check(MPI_Allgather(&count, 1, cmpi_int32(), &counts, 1, cmpi_int32(), world), "MPI_Allgather")
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1..<max(1, size) { displacements[r] = displacements[r - 1] + counts[r - 1] }
        let total = Int(displacements[size - 1] + counts[size - 1])
        var all = [UInt8](repeating: 0, count: max(1, total))
        bytes.withUnsafeBufferPointer { send in
            MPIWorld.check(MPI_Allgatherv(send.baseAddress, count, cmpi_byte(), &all, counts, displacements, cmpi_byte(), world), "MPI_Allgatherv")
        }
        return (0..<size).map { Array(all[Int(displacements[$0])..<Int(displacements[$0] + counts[$0])]) }
    }

    func broadcast(bytes: [UInt8], root: Int) -> [UInt8] {
        var count = Int64(bytes.count)
        MPIWorld.check(MPI_Bcast(&count, 1, cmpi_int64(), Int32(root), world), "MPI_Bcast")
        var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count))
        buffer.withUnsafeMutableBufferPointer { b in
            var start = 0
            while start < b.count {
                let piece = min(MPIWorld.piece, b.count - start)
                MPIWorld.check(MPI_Bcast(b.baseAddress! + start, Int32(piece), cmpi_byte(), Int32(root), world), "MPI_Bcast")
                start += piece
            }
        }
        return buffer
    }

    func barrier() { MPIWorld.check(MPI_Barrier(world), "MPI_Barrier") }

    func abort(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data(("cochlea: " + message + "\n").utf8))
        MPI_Abort(world, code)
        exit(code)
    }
}
