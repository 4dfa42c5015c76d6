import Foundation

/// The processes of one job, as training and evaluation see them: who this process is among them,
/// and the few collective operations they use. Every rank must make the same collective calls in
/// the same order; a call returns once every rank has made it.
///
/// Two implementations: `SingleProcess` (a plain run: rank 0 of 1, every call returns its input)
/// and MPI's world when the process was started by `mpirun` (see `Distributed.current`).
public protocol Communicator: AnyObject {
    /// This process's index, 0..<size. Rank 0 writes the outputs.
    var rank: Int { get }
    /// How many processes take part.
    var size: Int { get }
    /// True when started by mpirun (even with -np 1), false for a plain run.
    var isDistributed: Bool { get }
    /// True when a thread other than the main one may make the collective calls (never two at
    /// once), which lets a reduction overlap the backward pass.
    var allowsBackgroundCalls: Bool { get }

    /// Element-wise sum over all ranks, in place, then × `scale`. Every rank gets the same values.
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, scale: Float)
    /// Element-wise sums of small arrays (counts, flags), one array per rank in, the sums out.
    func allreduceSum(_ values: [Int]) -> [Int]
    /// Every rank's bytes (of any length), in rank order, on every rank.
    func allgather(bytes: [UInt8]) -> [[UInt8]]
    /// Rank `root`'s bytes on every rank (the argument is ignored elsewhere).
    func broadcast(bytes: [UInt8], root: Int) -> [UInt8]
    /// Returns once every rank has called it.
    func barrier()
    /// Ends the whole job: writes `message` to stderr and stops every rank with `code`.
    func abort(_ message: String, code: Int32) -> Never
}

extension Communicator {
    public var isRoot: Bool { rank == 0 }

    /// The indices this rank takes of `count` items dealt round-robin: r, r + N, r + 2N, …
    /// Dealt this way, a length-sorted batch gives every rank utterances of similar lengths.
    public func roundRobin(_ count: Int) -> [Int] { Array(stride(from: rank, to: count, by: size)) }

    /// Every rank's doubles (bit for bit), in rank order.
    public func allgather(doubles: [Double]) -> [[Double]] {
        allgather(bytes: doubles.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }).map { bytes in
            stride(from: 0, to: bytes.count, by: 8).map { start in
                Double(bitPattern: bytes[start..<(start + 8)].reversed().reduce(0) { $0 << 8 | UInt64($1) })
            }
        }
    }

    /// Every rank's strings, in rank order.
    public func allgather(strings: [String]) -> [[String]] {
        // Each string as its UTF-8 length (8 bytes) then its bytes.
        var bytes = [UInt8]()
        for string in strings {
            let utf8 = Array(string.utf8)
            bytes += withUnsafeBytes(of: UInt64(utf8.count).littleEndian, Array.init)
            bytes += utf8
        }
        return allgather(bytes: bytes).map { bytes in
            var strings = [String](), offset = 0
            while offset < bytes.count {
                let length = Int(bytes[offset..<(offset + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                strings.append(String(decoding: bytes[(offset + 8)..<(offset + 8 + length)], as: UTF8.self))
                offset += 8 + length
            }
            return strings
        }
    }

    /// Items dealt with `roundRobin(count)`, put back into their original order on every rank:
    /// `local[k]` is item `rank + k·size`.
    public func gatherRoundRobin(doubles local: [Double], count: Int) -> [Double] {
        var all = [Double](repeating: 0, count: count)
        for (r, values) in allgather(doubles: local).enumerated() {
            for (k, value) in values.enumerated() { all[r + k * size] = value }
        }
        return all
    }

    public func gatherRoundRobin(strings local: [String], count: Int) -> [String] {
        var all = [String](repeating: "", count: count)
        for (r, values) in allgather(strings: local).enumerated() {
            for (k, value) in values.enumerated() { all[r + k * size] = value }
        }
        return all
    }

    /// Whether any rank passed true.
    public func any(_ flag: Bool) -> Bool { allreduceSum([flag ? 1 : 0])[0] > 0 }
}

/// A plain run: rank 0 of 1. Collectives return their input; nothing is initialised or loaded.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var isDistributed: Bool { false }
    public var allowsBackgroundCalls: Bool { true }

    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, scale: Float) {
        if scale != 1 { for i in buffer.indices { buffer[i] *= scale } }
    }
    public func allreduceSum(_ values: [Int]) -> [Int] { values }
    public func allgather(bytes: [UInt8]) -> [[UInt8]] { [bytes] }
    public func broadcast(bytes: [UInt8], root: Int) -> [UInt8] { bytes }
    public func barrier() {}
    public func abort(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data(("cochlea: " + message + "\n").utf8))
        exit(code)
    }
}
