import Foundation

/// ln(e^a + e^b) in Float, with ln(1 + e^−d) read from a table (d in [0, 16) in steps of 1/64,
/// linear interpolation, error below 4e-6); beyond 16 the smaller term is under Float's resolution
/// of the larger for any score a search reaches, and is dropped. −∞ is the additive identity.
@usableFromInline
enum LogAddExp {
    static let steps: Float = 64
    static let limit: Float = 16
    /// ln(1 + e^(−i/64)) for i in 0...1025 (one spare entry for the interpolation).
    static let table: UnsafeMutablePointer<Float> = {
        let count = Int(limit * steps) + 2
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        for i in 0..<count { p[i] = Float(log1p(exp(-Double(i) / Double(steps)))) }
        return p
    }()

    @inline(__always)
    static func add(_ a: Float, _ b: Float, _ table: UnsafeMutablePointer<Float>) -> Float {
        let high = a > b ? a : b
        let d = high - (a > b ? b : a)  // ≥ 0, +∞ (or NaN) when the smaller is −∞
        guard d < limit else { return high }
        let x = d * steps
        let i = Int(x)
        let f = x - Float(i)
        return high + table[i] + f * (table[i + 1] - table[i])
    }
}

/// Every prefix a beam search has reached, as a trie of nodes with integer ids (node 0: the empty
/// prefix). A node is created once per (parent, token) and then found through `children`, so two
/// hypotheses with the same prefix always share one id and the search never compares strings.
/// Per node it keeps what the word-level scorers need (see `PrefixNode`).
struct PrefixArena {
    var nodes = [PrefixNode]()
    var children = ChildTable()

    var count: Int { nodes.count }

    mutating func reset(lmState: Int32, rootWord: Int32, rootHot: Int32) {
        nodes.removeAll(keepingCapacity: true)
        children.removeAll()
        _ = append(parent: -1, token: -1, word: rootWord, hot: rootHot, lm: lmState, extra: 0, hotBonus: 0)
    }

    mutating func append(parent p: Int32, token t: Int32, word w: Int32, hot h: Int32, lm l: Int32, extra e: Float, hotBonus b: Float) -> Int32 {
        let id = Int32(count)
        nodes.append(PrefixNode(parent: p, token: t, word: w, hot: h, lm: l, extra: e, hotBonus: b, endDelta: .nan, endLM: l, mark: 0, slot: 0))
        if p >= 0 { children.insert(parent: p, token: t, child: id) }
        return id
    }
}

/// One prefix: its last token and parent, and its word-level state.
struct PrefixNode {
    var parent: Int32, token: Int32
    /// Word-trie node of the word being spelt (−1: outside the trie).
    var word: Int32
    /// Hotword-trie node of the word being spelt (−1: matches no hotword).
    var hot: Int32
    /// Language-model state after the last finished word.
    var lm: Int32
    /// α·ln P_LM + β per word + hotword bonuses (provisional included) of the whole prefix.
    var extra: Float
    /// The provisional hotword bonus inside `extra`, to be replaced when the word ends.
    var hotBonus: Float
    /// Change of `extra` if the word being spelt ends here (NaN: not computed yet; −∞: it may not
    /// end here), and the language-model state after it.
    var endDelta: Float, endLM: Int32
    /// Beam membership: `slot` is the node's place in the current beam when `mark` is the search's stamp.
    var mark: UInt32, slot: Int32
}

/// (parent node, token) → child node, open addressing with linear probing; doubles at half load.
struct ChildTable {
    private var keys = [UInt64](repeating: .max, count: 1024)
    private var values = [Int32](repeating: -1, count: 1024)
    private var used = 0

    mutating func removeAll() {
        if used > 0 {
            for i in keys.indices { keys[i] = .max }
        }
        used = 0
    }

    @inline(__always)
    private static func key(_ parent: Int32, _ token: Int32) -> UInt64 { UInt64(UInt32(bitPattern: parent)) << 32 | UInt64(UInt32(bitPattern: token)) }

    @inline(__always)
    func find(parent: Int32, token: Int32) -> Int32 {
        let key = Self.key(parent, token), mask = keys.count - 1
        var i = NGramTable.slot(key) & mask
        while true {
            if keys[i] == key { return values[i] }
            if keys[i] == .max { return -1 }
            i = (i + 1) & mask
        }
    }

    mutating func insert(parent: Int32, token: Int32, child: Int32) {
        if (used + 1) * 2 > keys.count { grow() }
        let key = Self.key(parent, token), mask = keys.count - 1
        var i = NGramTable.slot(key) & mask
        while keys[i] != .max { i = (i + 1) & mask }
        keys[i] = key
        values[i] = child
        used += 1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: .max, count: oldKeys.count * 2)
        values = [Int32](repeating: -1, count: oldKeys.count * 2)
        let mask = keys.count - 1
        for (key, value) in zip(oldKeys, oldValues) where key != .max {
            var i = NGramTable.slot(key) & mask
            while keys[i] != .max { i = (i + 1) & mask }
            keys[i] = key
            values[i] = value
        }
    }
}

/// When the characters of a path were emitted, as a linked list shared between hypotheses: a
/// record per emitted character holds its first frame and the last frame of the character before
/// it (the last frame of a hypothesis's own final character travels with the hypothesis). Record 0
/// is the empty path. Merged hypotheses keep the record of the more probable contribution.
struct EmissionRecords {
    var previous: [Int32] = [], first: [Int32] = [], previousLast: [Int32] = []

    mutating func reset() {
        previous.removeAll(keepingCapacity: true)
        first.removeAll(keepingCapacity: true)
        previousLast.removeAll(keepingCapacity: true)
        _ = append(previous: -1, first: -1, previousLast: -1)
    }

    mutating func append(previous p: Int32, first f: Int32, previousLast l: Int32) -> Int32 {
        previous.append(p)
        first.append(f)
        previousLast.append(l)
        return Int32(previous.count - 1)
    }

    /// (first, last) frame per character of the path ending in `record`, oldest first.
    func frames(of record: Int32, last: Int32) -> [(first: Int, last: Int)] {
        var result = [(first: Int, last: Int)]()
        var r = record, end = last
        while r > 0 {
            result.append((Int(first[Int(r)]), Int(end)))
            end = previousLast[Int(r)]
            r = previous[Int(r)]
        }
        return result.reversed()
    }
}

extension PrefixArena {
    /// Drops every node that no node in `beam` descends from, so that a long utterance keeps
    /// memory in proportion to its transcript rather than to frames × beam. Survivors keep their
    /// order (a parent's id stays below its children's), are renumbered, and the child table is
    /// rebuilt; `beam` is rewritten with the new ids. `remap` is scratch.
    mutating func compact(beam: UnsafeMutableBufferPointer<Int32>, remap: inout [Int32]) {
        remap.removeAll(keepingCapacity: true)
        remap.append(contentsOf: repeatElement(-1, count: nodes.count))
        remap[0] = 0
        for i in beam.indices {
            var n = beam[i]
            while n > 0 && remap[Int(n)] < 0 {
                remap[Int(n)] = 0
                n = nodes[Int(n)].parent
            }
        }
        var kept = 0
        for old in 0..<nodes.count where remap[old] >= 0 {
            var node = nodes[old]
            if old > 0 { node.parent = remap[Int(node.parent)] }
            nodes[kept] = node
            remap[old] = Int32(kept)
            kept += 1
        }
        nodes.removeLast(nodes.count - kept)
        children.removeAll()
        for n in 1..<max(1, kept) { children.insert(parent: nodes[n].parent, token: nodes[n].token, child: Int32(n)) }
        for i in beam.indices { beam[i] = remap[Int(beam[i])] }
    }
}

extension EmissionRecords {
    /// As `PrefixArena.compact`, for the records that `references` (each hypothesis's) lead to.
    mutating func compact(references: [UnsafeMutableBufferPointer<Int32>], remap: inout [Int32]) {
        remap.removeAll(keepingCapacity: true)
        remap.append(contentsOf: repeatElement(-1, count: previous.count))
        remap[0] = 0
        for list in references {
            for r in list {
                var n = r
                while n > 0 && remap[Int(n)] < 0 {
                    remap[Int(n)] = 0
                    n = previous[Int(n)]
                }
            }
        }
        var kept = 0
        for old in 0..<previous.count where remap[old] >= 0 {
            previous[kept] = old > 0 ? remap[Int(previous[old])] : -1
            first[kept] = first[old]
            previousLast[kept] = previousLast[old]
            remap[old] = Int32(kept)
            kept += 1
        }
        previous.removeLast(previous.count - kept)
        first.removeLast(first.count - kept)
        previousLast.removeLast(previousLast.count - kept)
        for list in references {
            for i in list.indices { list[i] = remap[Int(list[i])] }
        }
    }
}
