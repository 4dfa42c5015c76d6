import Dispatch
import Foundation

/// Runs work items on a fixed number of threads, each thread with its own state (an FFT plan, a
/// workspace) made once: `makeWorker(threadIndex)`, then `work(&worker, itemIndex)` for every item.
/// Items are handed out one at a time from a shared counter, so slow items do not leave a thread idle.
public enum Parallel {
    public static func forEach<Worker>(
        count: Int, threads: Int, makeWorker: (Int) throws -> Worker, work: (inout Worker, Int) -> Void
    ) rethrows {
        guard count > 0 else { return }
        let threadCount = max(1, min(threads, count))
        var workers = try (0..<threadCount).map(makeWorker)
        if threadCount == 1 {
            for i in 0..<count { work(&workers[0], i) }
            return
        }
        let next = Counter()
        workers.withUnsafeMutableBufferPointer { pool in
            let base = pool.baseAddress!
            DispatchQueue.concurrentPerform(iterations: threadCount) { thread in
                while true {
                    let i = next.increment()
                    if i >= count { break }
                    work(&base[thread], i)
                }
            }
        }
    }

    /// The machine's core count, the default for "use both cores".
    public static var coreCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// A thread-safe counter that returns the value before each increment.
public final class Counter: @unchecked Sendable {
    fileprivate var storedValue = 0
    fileprivate let lock = NSLock()

    public init() {}

    @discardableResult
    public func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        storedValue += 1
        return storedValue - 1
    }
}

extension Counter {
    public var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return storedValue
    }
}

/// Indices grouped into batches of similar length (sorted by length, then cut), so that padding
/// wastes little memory and feature-side work: the shortest group first, each group's members
/// longest first, the order in which the network packs a batch's real frames.
public enum LengthGroups {
    public static func make(_ lengths: [Int], batchSize: Int) -> [[Int]] {
        precondition(batchSize >= 1)
        let sorted = lengths.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        return stride(from: 0, to: sorted.count, by: batchSize).map { Array(sorted[$0..<min($0 + batchSize, sorted.count)].reversed()) }
    }

    /// The indices of one batch's members longest first (ties in index order), the order in which
    /// the network packs a batch's real frames (its rows still running at frame t are a prefix).
    public static func longestFirst(_ lengths: [Int]) -> [Int] {
        lengths.indices.sorted { (lengths[$1], $0) < (lengths[$0], $1) }
    }
}
