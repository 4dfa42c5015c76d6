import Foundation

/// The beam: per slot a prefix node and its two hypotheses (last frame blank, last frame not),
/// each with a log score, an emission record and the last frame of its final character.
struct Beam {
    var count = 0
    var node = [Int32](), blank = [Float](), nonBlank = [Float]()
    var blankRecord = [Int32](), nonBlankRecord = [Int32](), blankLast = [Int32](), nonBlankLast = [Int32]()

    mutating func resize(_ capacity: Int) {
        node = Array(repeating: 0, count: capacity)
        blank = Array(repeating: -.infinity, count: capacity)
        nonBlank = blank
        blankRecord = node
        nonBlankRecord = node
        blankLast = node
        nonBlankLast = node
    }
}

/// A proposed hypothesis for the next frame. `kind` ≥ 0: the prefix of `slot` extended by token
/// `kind`; −1: the prefix stays, blank; −2: it stays, repeating its last token; −3: it stays
/// non-blank, and was also entered from its parent (in the beam) at this frame.
struct Candidate {
    var total: Float, acoustic: Float
    var slot: Int32, kind: Int32, record: Int32, last: Int32
}

/// Buffers of one search, sized by `prepare` and reused between calls.
struct Workspace {
    var current = Beam(), next = Beam()
    /// Per slot: its two hypotheses merged (score, and the record and last frame of the larger).
    var base = [Float](), baseRecord = [Int32](), baseLast = [Int32]()
    /// Per slot: the contribution from its parent prefix at this frame, when the parent is in the beam.
    var entered = [Float](), enteredRecord = [Int32](), enteredLast = [Int32]()
    /// [slot, token]: this extension is a prefix already in the beam (scored as that prefix's stay).
    var skip = [Bool](), skipped = [Int]()
    /// Tokens that may extend at this frame: `order[0..<ordered]`, most probable first, and a flag per token.
    var order = [Int32](), ordered = 0, allowed = [Bool]()
    /// Per slot: the best total any of its extensions could reach (before the token's probability).
    var bound = [Float]()
    /// Candidates above `floorValue`, collected unordered; when 2K have piled up, a selection keeps
    /// the best K and raises the floor to the K-th best. Cheaper than a heap: an append per
    /// candidate and, per K candidates, one linear-time selection.
    var candidates = [Candidate](), count = 0, floorValue = -Float.infinity
    /// Scratch for `keepBest`.
    var totals = [Float]()
    var stamp: UInt32 = 0

    mutating func prepare(beam k: Int, classes c: Int) {
        if current.node.count != k || allowed.count != c {
            current.resize(k)
            next.resize(k)
            base = Array(repeating: 0, count: k)
            baseRecord = Array(repeating: 0, count: k)
            baseLast = baseRecord
            entered = base
            enteredRecord = baseRecord
            enteredLast = baseRecord
            skip = Array(repeating: false, count: k * c)
            order = Array(repeating: 0, count: c)
            allowed = Array(repeating: false, count: c)
            bound = base
            candidates = Array(repeating: Candidate(total: 0, acoustic: 0, slot: 0, kind: 0, record: 0, last: 0), count: 2 * k)
            totals = Array(repeating: 0, count: 2 * k)
            skipped.reserveCapacity(k)
        }
        count = 0
        floorValue = -.infinity
        current.count = 1
        current.node[0] = 0
        current.blank[0] = 0
        current.nonBlank[0] = -.infinity
        current.blankRecord[0] = 0
        current.blankLast[0] = -1
    }

    /// Ranks the non-blank tokens of `row` (insertion sort: C is small) and applies top-k and the floor.
    mutating func rankTokens(_ row: UnsafePointer<Float>, classes: Int, topK: Int?, floor: Float?) {
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
    mutating func offer(_ candidate: Candidate, capacity: Int) {
        guard candidate.total > floorValue else { return }
        candidates[count] = candidate
        count += 1
        if count == 2 * capacity { floorValue = keepBest(capacity) }
    }

    /// Keeps the `k` best of `candidates[0..<count]` (in their order) and returns the k-th best
    /// total. The k-th best is found by quickselect on a copy of the totals (4-byte moves), then
    /// one pass keeps the candidates above it and enough of those equal to it.
    mutating func keepBest(_ k: Int) -> Float {
        guard count > k else {
            var kth = Float.infinity
            for i in 0..<count where candidates[i].total < kth { kth = candidates[i].total }
            return kth
        }
        for i in 0..<count { totals[i] = candidates[i].total }
        let kth = totals.withUnsafeMutableBufferPointer { Self.select(k - 1, in: $0.baseAddress!, count: count) }
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

extension BeamSearchDecoder {
    func step(frame t: Int, row: UnsafePointer<Float>, arena: inout PrefixArena, records: inout EmissionRecords, work: inout Workspace,
              table: UnsafeMutablePointer<Float>) {
        let C = classes, K = options.beamWidth, frame = Int32(t)
        work.rankTokens(row, classes: C, topK: options.tokensPerFrame, floor: options.tokenThreshold)
        let n = work.current.count
        // Merge each prefix's two hypotheses; note which children of beam prefixes are themselves in the beam.
        for s in 0..<n {
            let b = work.current.blank[s], nb = work.current.nonBlank[s]
            work.base[s] = LogAddExp.add(b, nb, table)
            work.baseRecord[s] = b >= nb ? work.current.blankRecord[s] : work.current.nonBlankRecord[s]
            work.baseLast[s] = b >= nb ? work.current.blankLast[s] : work.current.nonBlankLast[s]
            work.entered[s] = -.infinity
        }
        for s in 0..<n {
            let m = Int(work.current.node[s])
            guard m != 0, arena.nodes[Int(arena.nodes[m].parent)].mark == work.stamp else { continue }
            let p = Int(arena.nodes[m].parent), c = Int(arena.nodes[m].token), from = Int(arena.nodes[p].slot)
            guard work.allowed[c] else { continue }
            work.skip[from * C + c] = true
            work.skipped.append(from * C + c)
            if c == Int(arena.nodes[p].token) {  // a repeated token needs a blank between: only the blank-ending hypothesis
                work.entered[s] = work.current.blank[from] + row[c]
                work.enteredRecord[s] = work.current.blankRecord[from]
                work.enteredLast[s] = work.current.blankLast[from]
            } else {
                work.entered[s] = work.base[from] + row[c]
                work.enteredRecord[s] = work.baseRecord[from]
                work.enteredLast[s] = work.baseLast[from]
            }
        }
        // Staying: blank, or the last token again (merged with the entry from the parent).
        for s in 0..<n {
            let node = Int(work.current.node[s]), extra = arena.nodes[node].extra
            let stay = work.base[s] + row[0]
            work.offer(Candidate(total: stay + extra, acoustic: stay, slot: Int32(s), kind: -1,
                                 record: work.baseRecord[s], last: work.baseLast[s]), capacity: K)
            guard node != 0 else { continue }
            let repeated = work.current.nonBlank[s] + row[Int(arena.nodes[node].token)], entered = work.entered[s]
            let acoustic = LogAddExp.add(repeated, entered, table)
            guard acoustic > -.infinity else { continue }
            let candidate = repeated >= entered
                ? Candidate(total: acoustic + extra, acoustic: acoustic, slot: Int32(s), kind: -2, record: work.current.nonBlankRecord[s], last: frame)
                : Candidate(total: acoustic + extra, acoustic: acoustic, slot: Int32(s), kind: -3, record: work.enteredRecord[s], last: work.enteredLast[s])
            work.offer(candidate, capacity: K)
        }
        // Extending by a new token. Once the floor is set, most extensions of weaker prefixes are never scored.
        let rowMax = work.ordered > 0 ? row[Int(work.order[0])] : -Float.infinity
        for s in 0..<n {
            let h = arena.nodes[Int(work.current.node[s])].hot
            work.bound[s] = work.base[s] + arena.nodes[Int(work.current.node[s])].extra + (h >= 0 ? hotGain[Int(h)] : 0)
            // Without word scores (whose separator term can be positive) nothing of this prefix can enter.
            if !scoresWords && work.bound[s] + rowMax <= work.floor(K) { continue }
            let node = Int32(work.current.node[s]), extra = arena.nodes[Int(node)].extra, last = arena.nodes[Int(node)].token
            @inline(__always) func propose(_ c: Int32, delta: Float) {
                let acoustic: Float, record: Int32, previousLast: Int32
                if c == last {
                    acoustic = work.current.blank[s] + row[Int(c)]
                    record = work.current.blankRecord[s]
                    previousLast = work.current.blankLast[s]
                } else {
                    acoustic = work.base[s] + row[Int(c)]
                    record = work.baseRecord[s]
                    previousLast = work.baseLast[s]
                }
                let total = acoustic + extra + delta
                guard total > work.floor(K) else { return }
                work.offer(Candidate(total: total, acoustic: acoustic, slot: Int32(s), kind: c, record: record, last: previousLast), capacity: K)
            }
            @inline(__always) func hotDelta(_ c: Int32) -> Float {
                let h = arena.nodes[Int(node)].hot
                guard h >= 0 else { return 0 }
                let next = hotChild[Int(h) * C + Int(c)]
                return (next >= 0 ? hotwords!.provisional[Int(next)] : 0) - arena.nodes[Int(node)].hotBonus
            }
            if separator >= 0 && work.allowed[Int(separator)] && !work.skip[s * C + Int(separator)] {
                let delta = scoresWords ? endDelta(node, &arena) : 0
                if delta > -.infinity { propose(separator, delta: delta) }
            }
            if let lexicon {
                let w = arena.nodes[Int(node)].word
                guard w >= 0 else { continue }
                for e in lexicon.edges(w) {
                    let c = lexicon.edgeToken[e]
                    guard work.allowed[Int(c)], !work.skip[s * C + Int(c)] else { continue }
                    propose(c, delta: hotwords == nil ? 0 : hotDelta(c))
                }
            } else {
                let h = arena.nodes[Int(node)].hot, bound = work.bound[s]
                for i in 0..<work.ordered {
                    let c = work.order[i]
                    // Tokens come in falling probability: once the bound fails, the rest fail too.
                    if bound + row[Int(c)] <= work.floor(K) { break }
                    guard c != separator, !work.skip[s * C + Int(c)] else { continue }
                    propose(c, delta: h >= 0 ? hotDelta(c) : 0)
                }
            }
        }
        for i in work.skipped { work.skip[i] = false }
        work.skipped.removeAll(keepingCapacity: true)
        rebuild(frame: frame, arena: &arena, records: &records, work: &work)
    }

    /// Turns the best K candidates (within the beam threshold of the best) into the next beam.
    func rebuild(frame: Int32, arena: inout PrefixArena, records: inout EmissionRecords, work: inout Workspace) {
        if work.count > options.beamWidth { _ = work.keepBest(options.beamWidth) }
        var best = -Float.infinity
        for i in 0..<work.count where work.candidates[i].total > best { best = work.candidates[i].total }
        work.stamp &+= 1
        var count = 0
        for i in 0..<work.count {
            let candidate = work.candidates[i]
            guard candidate.total >= best - options.beamThreshold else { continue }
            let s = Int(candidate.slot), parent = work.current.node[s]
            let node = candidate.kind >= 0 ? child(of: parent, token: candidate.kind, &arena) : parent
            let slot: Int
            if arena.nodes[Int(node)].mark == work.stamp {
                slot = Int(arena.nodes[Int(node)].slot)
            } else {
                slot = count
                count += 1
                arena.nodes[Int(node)].mark = work.stamp
                arena.nodes[Int(node)].slot = Int32(slot)
                work.next.node[slot] = node
                work.next.blank[slot] = -.infinity
                work.next.nonBlank[slot] = -.infinity
            }
            switch candidate.kind {
            case -1:
                work.next.blank[slot] = candidate.acoustic
                work.next.blankRecord[slot] = candidate.record
                work.next.blankLast[slot] = candidate.last
            case -2:
                work.next.nonBlank[slot] = candidate.acoustic
                work.next.nonBlankRecord[slot] = candidate.record
                work.next.nonBlankLast[slot] = frame
            default:  // a token emitted for the first time at this frame
                work.next.nonBlank[slot] = candidate.acoustic
                work.next.nonBlankRecord[slot] = records.append(previous: candidate.record, first: frame, previousLast: candidate.last)
                work.next.nonBlankLast[slot] = frame
            }
        }
        work.next.count = count
        work.count = 0
        work.floorValue = -.infinity
        swap(&work.current, &work.next)
    }
}
