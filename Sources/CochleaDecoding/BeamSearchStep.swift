import Foundation

extension BeamSearchDecoder {
    func step(frame t: Int, row: UnsafePointer<Float>, arena: inout PrefixArena, records: inout EmissionRecords, work: Workspace,
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
            work.skipped[work.skippedCount] = from * C + c
            work.skippedCount += 1
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
        for i in 0..<work.skippedCount { work.skip[work.skipped[i]] = false }
        work.skippedCount = 0
        rebuild(frame: frame, arena: &arena, records: &records, work: work)
    }

    /// Turns the best K candidates (within the beam threshold of the best) into the next beam.
    func rebuild(frame: Int32, arena: inout PrefixArena, records: inout EmissionRecords, work: Workspace) {
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
                // Record 0 (the empty path) for an absent hypothesis, so that compaction never follows a stale id.
                work.next.blankRecord[slot] = 0
                work.next.nonBlankRecord[slot] = 0
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
