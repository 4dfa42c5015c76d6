import Foundation

/// Fixed-size storage that the search indexes without bounds or uniqueness checks (it sizes every
/// buffer itself); writing through a `let` is allowed, so hot loops never trigger copy-on-write
/// checks. Freed by its owner.
struct Buffer<T> {
    let pointer: UnsafeMutablePointer<T>
    let count: Int

    init(repeating value: T, count: Int) {
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: value, count: max(1, count))
        self.count = count
    }

    subscript(i: Int) -> T {
        @inline(__always) get { pointer[i] }
        @inline(__always) nonmutating set { pointer[i] = newValue }
    }

    func prefix(_ n: Int) -> UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: pointer, count: n) }
    func free() { pointer.deallocate() }
}

/// The beam: per slot a prefix node and its two hypotheses (last frame blank, last frame not),
/// each with a log score, an emission record and the last frame of its final character.
struct Beam {
    var count = 0
    let node: Buffer<Int32>, blank: Buffer<Float>, nonBlank: Buffer<Float>
    let blankRecord: Buffer<Int32>, nonBlankRecord: Buffer<Int32>, blankLast: Buffer<Int32>, nonBlankLast: Buffer<Int32>

    init(capacity: Int) {
        node = Buffer(repeating: 0, count: capacity)
        blank = Buffer(repeating: -.infinity, count: capacity)
        nonBlank = Buffer(repeating: -.infinity, count: capacity)
        blankRecord = Buffer(repeating: 0, count: capacity)
        nonBlankRecord = Buffer(repeating: 0, count: capacity)
        blankLast = Buffer(repeating: 0, count: capacity)
        nonBlankLast = Buffer(repeating: 0, count: capacity)
    }

    func free() {
        for b in [node, blankRecord, nonBlankRecord, blankLast, nonBlankLast] { b.free() }
        blank.free()
        nonBlank.free()
    }
}

/// A proposed hypothesis for the next frame. `kind` ≥ 0: the prefix of `slot` extended by token
/// `kind`; −1: the prefix stays, blank; −2: it stays, repeating its last token; −3: it stays
/// non-blank, and was also entered from its parent (in the beam) at this frame.
struct Candidate {
    var total: Float, acoustic: Float
    var slot: Int32, kind: Int32, record: Int32, last: Int32
}

/// Buffers of one search, sized by `prepare` for a beam width and a class count and reused between
/// calls. A class so that the buffers have one owner that frees them.
final class Workspace {
    let width: Int, classes: Int
    var current: Beam, next: Beam
    /// Per slot: its two hypotheses merged (score, and the record and last frame of the larger).
    let base: Buffer<Float>, baseRecord: Buffer<Int32>, baseLast: Buffer<Int32>
    /// Per slot: the contribution from its parent prefix at this frame, when the parent is in the beam.
    let entered: Buffer<Float>, enteredRecord: Buffer<Int32>, enteredLast: Buffer<Int32>
    /// [slot, token]: this extension is a prefix already in the beam (scored as that prefix's
    /// stay); `skipped[0..<skippedCount]` lists the flags set, to clear them.
    let skip: Buffer<Bool>, skipped: Buffer<Int>
    var skippedCount = 0
    /// Tokens that may extend at this frame: `order[0..<ordered]`, most probable first, and a flag per token.
    let order: Buffer<Int32>, allowed: Buffer<Bool>
    var ordered = 0
    /// Per slot: the best total any of its extensions could reach (before the token's probability).
    let bound: Buffer<Float>
    /// Candidates above `floorValue`, collected unordered; when 2K have piled up, a selection keeps
    /// the best K and raises the floor to the K-th best. Cheaper than a heap: an append per
    /// candidate and, per K candidates, one linear-time selection.
    let candidates: Buffer<Candidate>
    var count = 0, floorValue = -Float.infinity
    /// Scratch for `keepBest`.
    let totals: Buffer<Float>
    var stamp: UInt32 = 0
    /// Scratch for compaction.
    var remap = [Int32]()

    init(beam k: Int, classes c: Int) {
        width = k
        classes = c
        current = Beam(capacity: k)
        next = Beam(capacity: k)
        base = Buffer(repeating: 0, count: k)
        baseRecord = Buffer(repeating: 0, count: k)
        baseLast = Buffer(repeating: 0, count: k)
        entered = Buffer(repeating: 0, count: k)
        enteredRecord = Buffer(repeating: 0, count: k)
        enteredLast = Buffer(repeating: 0, count: k)
        skip = Buffer(repeating: false, count: k * c)
        skipped = Buffer(repeating: 0, count: k)
        order = Buffer(repeating: 0, count: c)
        allowed = Buffer(repeating: false, count: c)
        bound = Buffer(repeating: 0, count: k)
        candidates = Buffer(repeating: Candidate(total: 0, acoustic: 0, slot: 0, kind: 0, record: 0, last: 0), count: 2 * k)
        totals = Buffer(repeating: 0, count: 2 * k)
    }

    deinit {
        current.free()
        next.free()
        for b in [base, entered, bound, totals] { b.free() }
        for b in [baseRecord, baseLast, enteredRecord, enteredLast, order] { b.free() }
        skip.free()
        allowed.free()
        skipped.free()
        candidates.free()
    }

    /// Starts a search: the beam holds the empty prefix alone.
    func start() {
        count = 0
        floorValue = -.infinity
        skippedCount = 0
        current.count = 1
        current.node[0] = 0
        current.blank[0] = 0
        current.nonBlank[0] = -.infinity
        current.blankRecord[0] = 0
        current.nonBlankRecord[0] = 0
        current.blankLast[0] = -1
    }

    /// Ranks the non-blank tokens of `row` (insertion sort: C is small) and applies top-k and the floor.
    func rankTokens(_ row: UnsafePointer<Float>, classes: Int, topK: Int?, floor: Float?) {
        var n = 0
        for c in 1..<classes {
            let v = row[c]
            var i = n
            while i > 0 && row[Int(order[i - 1])] < v {
                order[i] = order[i - 1]
                i -= 1
            }
            order[i] = Int32(c)
            n += 1
            allowed[c] = false
        }
        if let topK { n = min(n, topK) }
        if let floor { while n > 1 && row[Int(order[n - 1])] < floor { n -= 1 } }
        ordered = n
        for i in 0..<n { allowed[Int(order[i])] = true }
    }

    /// Keeps `candidate` if it can still be among the best `capacity`.
    @inline(__always)
    func offer(_ candidate: Candidate, capacity: Int) {
        guard candidate.total > floorValue else { return }
        candidates[count] = candidate
        count += 1
        if count == 2 * capacity { floorValue = keepBest(capacity) }
    }

    /// Keeps the `k` best of `candidates[0..<count]` (in their order) and returns the k-th best
    /// total. The k-th best is found by quickselect on a copy of the totals (4-byte moves), then
    /// one pass keeps the candidates above it and enough of those equal to it.
    func keepBest(_ k: Int) -> Float {
        guard count > k else {
            var kth = Float.infinity
            for i in 0..<count where candidates[i].total < kth { kth = candidates[i].total }
            return kth
        }
        for i in 0..<count { totals[i] = candidates[i].total }
        let kth = Self.select(k - 1, in: totals.pointer, count: count)
        var above = 0
        for i in 0..<count where candidates[i].total > kth { above += 1 }
        var equal = k - above, kept = 0
        for i in 0..<count {
            let t = candidates[i].total
            guard t > kth || (t == kth && equal > 0) else { continue }
            if t == kth { equal -= 1 }
            candidates[kept] = candidates[i]
            kept += 1
        }
        count = kept
        return kth
    }

    /// The value that would stand at `index` if `values[0..<count]` were sorted in falling order
    /// (quickselect with median-of-three pivots; reorders `values`).
    static func select(_ index: Int, in values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var low = 0, high = count - 1
        while low < high {
            let a = values[low], b = values[(low + high) / 2], c = values[high]
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = low, j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    let held = values[i]
                    values[i] = values[j]
                    values[j] = held
                    i += 1
                    j -= 1
                }
            }
            // [low ... j] ≥ pivot ≥ [i ... high]; between them, equal to the pivot.
            if index <= j { high = j } else if index >= i { low = i } else { return pivot }
        }
        return values[index]
    }

    /// The score a candidate must beat to be kept.
    @inline(__always)
    func floor(_ capacity: Int) -> Float { floorValue }

}
