import CochleaCore

/// Length-bucketed batches in a seeded order: each epoch shuffles the utterances, sorts them by
/// length within windows of 50 batches (so that a batch wastes little padding), cuts the windows
/// into batches and shuffles the batches. The order is a pure function of (seed, epoch), which is
/// what lets `--resume` continue mid-epoch exactly where it stopped.
public struct Batcher: Sendable {
    public let frames: [Int]
    public let batchSize: Int
    public let seed: UInt64

    public init(frames: [Int], batchSize: Int, seed: UInt64) {
        precondition(batchSize >= 1)
        self.frames = frames
        self.batchSize = batchSize
        self.seed = seed
    }

    public func batches(epoch: Int) -> [[Int]] {
        var random = SeededRandom(seed: seed &* 0x9E37_79B9 &+ UInt64(epoch) &+ 1)
        var order = Array(frames.indices)
        order.shuffle(using: &random)
        let window = batchSize * 50
        var batches = [[Int]]()
        for start in stride(from: 0, to: order.count, by: window) {
            let sorted = order[start..<min(start + window, order.count)].sorted { frames[$0] < frames[$1] }
            for first in stride(from: 0, to: sorted.count, by: batchSize) {
                batches.append(Array(sorted[first..<min(first + batchSize, sorted.count)]))
            }
        }
        batches.shuffle(using: &random)
        return batches
    }

    /// Batches in length order with no shuffling, for evaluation.
    public static func sequential(frames: [Int], batchSize: Int) -> [[Int]] { LengthGroups.make(frames, batchSize: batchSize) }
}
