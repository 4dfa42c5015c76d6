/// The tuned edit distance behind every score: tokens are `Int32` ids, the table of distances
/// lives in one buffer reused from call to call (it only grows), and the common prefix and suffix
/// never enter the table. Returns exactly the alignment `ReferenceLevenshtein` returns (a test holds
/// them equal on random input), which is RapidFuzz's and so jiwer's.
///
/// Memory: the whole (n′+1)×(m′+1) table of `Int32` while that is at most `tableCellLimit` cells
/// (16 M cells, 64 MB), n′ and m′ the token counts without the common prefix and suffix: 1.3 KB for
/// two different 18-word sentences, 4 MB for two unrelated 1,000-character ones. Larger pairs
/// (long-form audio scored as one utterance) keep only every k-th row, k ≈ √n′, and recompute one
/// band of k rows at a time while tracing back: about 2·√n′·m′ cells (90 MB for two 50,000-character
/// texts) for twice the time, with the same result. One workspace per thread.
struct LevenshteinWorkspace {
    private var table: [Int32] = []
    let tableCellLimit: Int

    init(tableCellLimit: Int = 1 << 24) {
        precondition(tableCellLimit >= 4, "the table needs room for at least two rows of two cells")
        self.tableCellLimit = tableCellLimit
    }

    /// Counts of the alignment of `hypothesis` against `reference`, in tokens.
    mutating func counts(_ reference: UnsafeBufferPointer<Int32>, _ hypothesis: UnsafeBufferPointer<Int32>) -> EditCounts {
        var counts = EditCounts()
        traceBack(reference, hypothesis) { kind, _, _ in counts.record(kind) }
        return counts
    }

    /// The alignment of `hypothesis` against `reference`, in reading order, written over `steps`.
    mutating func align(
        _ reference: UnsafeBufferPointer<Int32>, _ hypothesis: UnsafeBufferPointer<Int32>, into steps: inout [EditStep]
    ) {
        steps.removeAll(keepingCapacity: true)
        traceBack(reference, hypothesis) { kind, i, j in
            steps.append(EditStep(kind: kind, referenceIndex: i, hypothesisIndex: j))
        }
        steps.reverse()
    }

    /// Calls `visit(kind, referenceIndex, hypothesisIndex)` for each step of the alignment, from the
    /// last step to the first.
    @inline(__always)
    mutating func traceBack(
        _ reference: UnsafeBufferPointer<Int32>, _ hypothesis: UnsafeBufferPointer<Int32>,
        visit: (EditKind, Int, Int) -> Void
    ) {
        let fullN = reference.count, fullM = hypothesis.count
        var prefix = 0
        while prefix < fullN, prefix < fullM, reference[prefix] == hypothesis[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < fullN - prefix, suffix < fullM - prefix,
              reference[fullN - 1 - suffix] == hypothesis[fullM - 1 - suffix] {
            suffix += 1
        }
        let n = fullN - prefix - suffix, m = fullM - prefix - suffix

        for k in stride(from: suffix - 1, through: 0, by: -1) { visit(.match, prefix + n + k, prefix + m + k) }
        if n > 0 && m > 0 {
            let core = Core(ref: reference.baseAddress! + prefix, n: n, hyp: hypothesis.baseAddress! + prefix, m: m, offset: prefix)
            let band = (n + 1) * (m + 1) <= tableCellLimit ? n : max(1, Int(Double(n).squareRoot()))
            let checkpoints = n / band + 1
            let cells = (checkpoints + band + 1) * (m + 1)
            if table.count < cells { table = [Int32](repeating: 0, count: max(cells, 2 * table.count)) }
            table.withUnsafeMutableBufferPointer { buffer in
                core.align(saved: buffer.baseAddress!, band: band, visit: visit)
            }
        } else {
            // Nothing to choose: what is left on one side is all deletions or all insertions.
            for i in stride(from: n - 1, through: 0, by: -1) { visit(.deletion, prefix + i, prefix) }
            for j in stride(from: m - 1, through: 0, by: -1) { visit(.insertion, prefix, prefix + j) }
        }
        for k in stride(from: prefix - 1, through: 0, by: -1) { visit(.match, k, k) }
    }
}

/// The part of a pair that differs at both ends, aligned in a row-major table D[i][j] = distance
/// between the first i reference tokens and the first j hypothesis tokens, of which only rows
/// 0, band, 2·band, ... are kept; the rows of one band are recomputed from the row above it when
/// the trace-back reaches them. With band = n the whole table is kept and nothing is recomputed.
private struct Core {
    let ref: UnsafePointer<Int32>, n: Int
    let hyp: UnsafePointer<Int32>, m: Int
    let offset: Int

    /// `saved` holds (n / band + 1) checkpoint rows followed by band + 1 working rows.
    @inline(__always)
    func align(saved: UnsafeMutablePointer<Int32>, band: Int, visit: (EditKind, Int, Int) -> Void) {
        let width = m + 1
        let work = saved + (n / band + 1) * width
        // Forward pass: only the checkpoint rows survive it.
        for j in 0...m { saved[j] = Int32(j) }
        var first = 0
        while first + band <= n {
            fill(work, from: saved + (first / band) * width, rows: first..<(first + band))
            first += band
            (saved + (first / band) * width).update(from: work + band * width, count: width)
        }
        // Trace back band by band, from the last row up.
        var i = n, j = m
        while i > 0 && j > 0 {
            let top = (i - 1) / band * band
            // With band = n the forward pass left the whole table in `work`.
            if band < n { fill(work, from: saved + (top / band) * width, rows: top..<min(top + band, n)) }
            while i > top && j > 0 {
                let here = work[(i - top) * width + j]
                if here == work[(i - 1 - top) * width + j] &+ 1 {
                    i -= 1
                    visit(.deletion, offset + i, offset + j)
                } else if work[(i - top) * width + j - 1] < work[(i - 1 - top) * width + j - 1] {
                    // RapidFuzz's rule: an insertion when the cell to the left beats the diagonal one.
                    j -= 1
                    visit(.insertion, offset + i, offset + j)
                } else {
                    i -= 1
                    j -= 1
                    visit(ref[i] == hyp[j] ? .match : .substitution, offset + i, offset + j)
                }
            }
        }
        while i > 0 { i -= 1; visit(.deletion, offset + i, offset + j) }
        while j > 0 { j -= 1; visit(.insertion, offset + i, offset + j) }
    }

    /// Writes table rows `rows.lowerBound` (copied from `start`) through `rows.upperBound` into
    /// `out`, one row of m + 1 cells after another.
    @inline(__always)
    func fill(_ out: UnsafeMutablePointer<Int32>, from start: UnsafePointer<Int32>, rows: Range<Int>) {
        let width = m + 1
        out.update(from: start, count: width)
        for i in (rows.lowerBound + 1)..<(rows.upperBound + 1) {
            let above = out + (i - 1 - rows.lowerBound) * width, row = above + width
            let token = ref[i - 1]
            var left = Int32(i)
            row[0] = left
            for j in 1...m {
                let diagonal = above[j - 1] &+ (hyp[j - 1] == token ? 0 : 1)
                let best = min(min(above[j], left) &+ 1, diagonal)
                row[j] = best
                left = best
            }
        }
    }
}
