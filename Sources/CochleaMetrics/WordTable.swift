/// Gives the words of one reference/hypothesis pair `Int32` ids, equal exactly when the words'
/// bytes are equal, so that the edit distance compares integers instead of strings. The table is
/// emptied for every pair (ids only have to agree within a pair, and a small table stays in cache);
/// its buffers are reused.
///
/// Words are maximal runs of bytes other than ASCII whitespace (space, tab, LF, VT, FF, CR), as in
/// Kaldi; they are compared byte for byte, with no Unicode normalisation, as in jiwer and Kaldi.
struct WordTable {
    private struct Word {
        var start: Int
        var length: Int
        var hash: UInt64
    }

    // The pair's text, copied in, so that every word can be compared and turned back into a String.
    private var arena: [UInt8] = []
    private var words: [Word] = []
    // Open addressing from word to id (the index of its first occurrence). Emptied per pair by
    // bumping `stamp` rather than by clearing: a slot is occupied only while its stamp is current.
    private var slots: [Int32] = []
    private var slotStamps: [UInt32] = []
    private var stamp: UInt32 = 1
    private var distinctWords: [Int32] = []

    /// Forgets the previous pair.
    mutating func reset() {
        arena.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        distinctWords.removeAll(keepingCapacity: true)
        stamp &+= 1
        if stamp == 0 {
            for k in slotStamps.indices { slotStamps[k] = 0 }
            stamp = 1
        }
    }

    /// Number of words added since `reset()`.
    var count: Int { words.count }

    /// The text of the `index`th word added since `reset()`.
    func word(_ index: Int) -> String {
        let word = words[index]
        return String(decoding: arena[word.start..<(word.start + word.length)], as: UTF8.self)
    }

    /// Splits `text` into words and appends their ids to `ids`.
    mutating func appendWords(of text: String, to ids: inout [Int32]) {
        var text = text
        text.withUTF8 { bytes in
            let base = arena.count
            arena.append(contentsOf: bytes)
            var index = 0
            while true {
                while index < bytes.count && PairTokens.isWhitespace(bytes[index]) { index += 1 }
                if index == bytes.count { break }
                let start = index
                var hash: UInt64 = 0
                while index < bytes.count && !PairTokens.isWhitespace(bytes[index]) {
                    hash = (hash << 5 | hash >> 59) ^ UInt64(bytes[index])
                    index += 1
                }
                ids.append(intern(Word(start: base + start, length: index - start, hash: Self.finish(hash))))
            }
        }
    }

    /// Appends the ids of `list`, each element one word (callers pass words without whitespace).
    mutating func appendWords(_ list: [String], to ids: inout [Int32]) {
        for var word in list where !word.isEmpty {
            word.withUTF8 { bytes in
                var hash: UInt64 = 0
                for byte in bytes { hash = (hash << 5 | hash >> 59) ^ UInt64(byte) }
                let start = arena.count
                arena.append(contentsOf: bytes)
                ids.append(intern(Word(start: start, length: bytes.count, hash: Self.finish(hash))))
            }
        }
    }

    /// The rotate-and-xor sum only has to be cheap per byte; one multiply spreads it over all bits.
    @inline(__always)
    private static func finish(_ hash: UInt64) -> UInt64 {
        let mixed = (hash ^ hash >> 31) &* 0x9E37_79B9_7F4A_7C15
        return mixed ^ mixed >> 29
    }

    /// The id of `word`: the index of the first word of the pair with the same bytes.
    private mutating func intern(_ word: Word) -> Int32 {
        let index = Int32(words.count)
        words.append(word)
        if (distinctWords.count + 1) * 2 > slots.count { growTable() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: word.hash) & mask
        while slotStamps[slot] == stamp {
            let first = Int(slots[slot])
            if words[first].hash == word.hash && sameBytes(words[first], word) { return Int32(first) }
            slot = (slot + 1) & mask
        }
        slotStamps[slot] = stamp
        slots[slot] = index
        distinctWords.append(index)
        return index
    }

    private func sameBytes(_ a: Word, _ b: Word) -> Bool {
        guard a.length == b.length else { return false }
        return arena.withUnsafeBufferPointer { bytes in
            for k in 0..<a.length where bytes[a.start + k] != bytes[b.start + k] { return false }
            return true
        }
    }

    private mutating func growTable() {
        let capacity = max(256, slots.count * 2)
        slots = [Int32](repeating: 0, count: capacity)
        slotStamps = [UInt32](repeating: 0, count: capacity)
        stamp = 1
        let mask = capacity - 1
        for index in distinctWords {
            var slot = Int(truncatingIfNeeded: words[Int(index)].hash) & mask
            while slotStamps[slot] == stamp { slot = (slot + 1) & mask }
            slotStamps[slot] = stamp
            slots[slot] = index
        }
    }
}
