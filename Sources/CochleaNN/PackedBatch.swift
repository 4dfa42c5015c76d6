import CochleaCore
import CochleaLinalg

/// A batch in PyTorch's packed-sequence layout: frames in time order, and within frame t only the
/// utterances still running, longest first. Every product over all frames then skips the padding
/// (a quarter of the recipe's padded frames), and frame t's rows are a prefix of frame t − 1's.
/// The network takes and returns padded [T, B, ·] arrays; this converts at the edges.
struct PackedBatch {
    /// T, the padded number of frames.
    let steps: Int
    /// B.
    let batch: Int
    /// Packed position p of every frame holds batch member `members[p]` (longest first, ties in
    /// batch order).
    let members: [Int]
    /// [T + 1]: frame t holds packed rows offsets[t]..<offsets[t + 1]; the last entry is the
    /// number of real frames.
    let offsets: [Int]

    init(steps: Int, lengths: [Int]) {
        self.steps = steps
        batch = lengths.count
        members = LengthGroups.longestFirst(lengths)
        var offsets = [0], running = batch
        offsets.reserveCapacity(steps + 1)
        for t in 0..<steps {
            while running > 0 && lengths[members[running - 1]] <= t { running -= 1 }
            offsets.append(offsets[t] + running)
        }
        self.offsets = offsets
    }

    /// The real frames, the packed arrays' rows.
    var rows: Int { offsets[steps] }

    /// Copies the running rows of padded [T, B, width] into packed [rows, width].
    func pack<T: Real>(_ padded: UnsafePointer<T>, width: Int, into packed: UnsafeMutablePointer<T>) {
        for t in 0..<steps {
            for p in 0..<(offsets[t + 1] - offsets[t]) {
                (packed + (offsets[t] + p) * width).update(from: padded + (t * batch + members[p]) * width, count: width)
            }
        }
    }

    /// Copies packed [rows, width] into padded [T, B, width], with zero rows for the padding.
    func unpack<T: Real>(_ packed: UnsafePointer<T>, width: Int, into padded: UnsafeMutablePointer<T>) {
        padded.update(repeating: 0, count: steps * batch * width)
        for t in 0..<steps {
            for p in 0..<(offsets[t + 1] - offsets[t]) {
                (padded + (t * batch + members[p]) * width).update(from: packed + (offsets[t] + p) * width, count: width)
            }
        }
    }
}
