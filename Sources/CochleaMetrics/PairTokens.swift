/// The tokens of one reference/hypothesis pair as `Int32` ids, so that the edit distance compares
/// integers. Words get ids from a small hash table that is emptied for every pair (ids only have to
/// agree within a pair, and a per-pair table stays in cache); characters use their Unicode scalar
/// value as the id. All buffers are reused from pair to pair.
///
/// Words are maximal runs of bytes other than ASCII whitespace (space, tab, LF, VT, FF, CR), as in
/// Kaldi; they are compared byte for byte, with no Unicode normalisation, as in jiwer and Kaldi.
/// The character sequence of a transcript is its words joined by single spaces, taken as Unicode
/// scalars (what a Python `str` holds), so runs of whitespace count as one space and leading and
/// trailing whitespace does not count.
struct PairTokens {
    enum Side { case reference, hypothesis }

    private(set) var referenceIDs: [Int32] = []
    private(set) var hypothesisIDs: [Int32] = []

    // Words of the current pair: bytes copied into one arena, reference words first.
    private var arena: [UInt8] = []
    private var wordStarts: [Int] = []
    private var wordLengths: [Int] = []
    private var wordHashes: [UInt64] = []
    // Open-addressing table from word bytes to id, emptied per pair by bumping `stamp` rather than
    // by clearing: a slot is occupied only when its stamp is the current one.
    private var slots: [Int32] = []
    private var slotStamps: [UInt32] = []
    private var stamp: UInt32 = 1
    private var distinctWords: [Int32] = []

    /// Forgets the previous pair.
    mutating func reset() {
        referenceIDs.removeAll(keepingCapacity: true)
        hypothesisIDs.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        wordStarts.removeAll(keepingCapacity: true)
        wordLengths.removeAll(keepingCapacity: true)
        wordHashes.removeAll(keepingCapacity: true)
        distinctWords.removeAll(keepingCapacity: true)
        stamp &+= 1
        if stamp == 0 {
            for k in slotStamps.indices { slotStamps[k] = 0 }
            stamp = 1
        }
    }

    /// The text of a word token (the index counts reference words first, then hypothesis words).
    func word(at side: Side, _ index: Int) -> String {
        let token = side == .reference ? index : referenceIDs.count + index
        let start = wordStarts[token]
        return String(decoding: arena[start..<(start + wordLengths[token])], as: UTF8.self)
    }

    static func character(_ id: Int32) -> String {
        String(Unicode.Scalar(UInt32(id)).map(Character.init) ?? "\u{FFFD}")
    }

    // MARK: Words

    mutating func appendWords(of text: String, to side: Side) {
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                while index < bytes.count && Self.isWhitespace(bytes[index]) { index += 1 }
                let start = index
                while index < bytes.count && !Self.isWhitespace(bytes[index]) { index += 1 }
                if index > start { appendWord(UnsafeBufferPointer(rebasing: bytes[start..<index]), to: side) }
            }
        }
    }

    /// Appends each element of `words` as one word (callers pass words without whitespace).
    mutating func appendWords(_ words: [String], to side: Side) {
        for var word in words where !word.isEmpty {
            word.withUTF8 { appendWord($0, to: side) }
        }
    }

    private mutating func appendWord(_ bytes: UnsafeBufferPointer<UInt8>, to side: Side) {
        // Token indices count reference words first, so no reference word may follow a hypothesis word.
        precondition(side == .hypothesis || hypothesisIDs.isEmpty, "append reference words before hypothesis words")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let token = wordStarts.count
        wordStarts.append(arena.count)
        wordLengths.append(bytes.count)
        wordHashes.append(hash)
        arena.append(contentsOf: bytes)
        let id = intern(token, hash)
        if side == .reference { referenceIDs.append(id) } else { hypothesisIDs.append(id) }
    }

    /// The id of word `token`: the index of the first word of the pair with the same bytes.
    private mutating func intern(_ token: Int, _ hash: UInt64) -> Int32 {
        if (distinctWords.count + 1) * 2 > slots.count { growTable() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while slotStamps[slot] == stamp {
            let first = Int(slots[slot])
            if wordHashes[first] == hash && sameBytes(first, token) { return Int32(first) }
            slot = (slot + 1) & mask
        }
        slotStamps[slot] = stamp
        slots[slot] = Int32(token)
        distinctWords.append(Int32(token))
        return Int32(token)
    }

    private func sameBytes(_ a: Int, _ b: Int) -> Bool {
        let length = wordLengths[a]
        guard wordLengths[b] == length else { return false }
        let startA = wordStarts[a], startB = wordStarts[b]
        return arena.withUnsafeBufferPointer { bytes in
            for k in 0..<length where bytes[startA + k] != bytes[startB + k] { return false }
            return true
        }
    }

    private mutating func growTable() {
        let capacity = max(256, slots.count * 2)
        slots = [Int32](repeating: 0, count: capacity)
        slotStamps = [UInt32](repeating: 0, count: capacity)
        stamp = 1
        let mask = capacity - 1
        for word in distinctWords {
            let hash = wordHashes[Int(word)]
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while slotStamps[slot] == stamp { slot = (slot + 1) & mask }
            slotStamps[slot] = stamp
            slots[slot] = word
        }
    }

    // MARK: Characters

    mutating func appendCharacters(of text: String, to side: Side) {
        var text = text
        text.withUTF8 { bytes in
            var pendingSpace = false, emittedAny = false
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                if Self.isWhitespace(lead) {
                    pendingSpace = true
                    index += 1
                    continue
                }
                if pendingSpace && emittedAny { appendID(0x20, to: side) }
                pendingSpace = false
                emittedAny = true
                appendID(Int32(bitPattern: Self.decodeScalar(bytes, at: &index)), to: side)
            }
        }
    }

    mutating func appendCharacters(of words: [String], to side: Side) {
        var first = true
        for word in words where !word.isEmpty {
            if !first { appendID(0x20, to: side) }
            first = false
            appendCharacters(of: word, to: side)
        }
    }

    private mutating func appendID(_ id: Int32, to side: Side) {
        if side == .reference { referenceIDs.append(id) } else { hypothesisIDs.append(id) }
    }

    /// Decodes the scalar starting at `index` of well-formed UTF-8 (a Swift string's) and moves
    /// `index` past it.
    @inline(__always)
    private static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> UInt32 {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { index += 1; return lead }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = lead & (0x7F >> UInt32(length))
        for k in 1..<length { value = value << 6 | (UInt32(bytes[index + k]) & 0x3F) }
        index += length
        return value
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
}
