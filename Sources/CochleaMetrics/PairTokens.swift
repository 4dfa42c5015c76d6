/// The tokens of one reference/hypothesis pair as `Int32` ids, so that the edit distance compares
/// integers: words get ids from a `WordTable`, characters use their Unicode scalar value. All
/// buffers are reused from pair to pair; call `reset()` between pairs, and add the reference before
/// the hypothesis.
///
/// The character sequence of a transcript is its words joined by single spaces, taken as Unicode
/// scalars (what a Python `str` holds): runs of whitespace count as one space, and leading and
/// trailing whitespace does not count.
struct PairTokens {
    enum Side { case reference, hypothesis }

    private(set) var referenceIDs: [Int32] = []
    private(set) var hypothesisIDs: [Int32] = []
    private var words = WordTable()

    /// Forgets the previous pair.
    mutating func reset() {
        referenceIDs.removeAll(keepingCapacity: true)
        hypothesisIDs.removeAll(keepingCapacity: true)
        words.reset()
    }

    /// The text of the `index`th word on `side`.
    func word(at side: Side, _ index: Int) -> String {
        words.word(side == .reference ? index : referenceIDs.count + index)
    }

    static func character(_ id: Int32) -> String {
        String(Unicode.Scalar(UInt32(id)).map(Character.init) ?? "\u{FFFD}")
    }

    mutating func appendWords(of text: String, to side: Side) {
        checkOrder(side)
        if side == .reference { words.appendWords(of: text, to: &referenceIDs) } else { words.appendWords(of: text, to: &hypothesisIDs) }
    }

    /// Appends each element of `list` as one word (callers pass words without whitespace).
    mutating func appendWords(_ list: [String], to side: Side) {
        checkOrder(side)
        if side == .reference { words.appendWords(list, to: &referenceIDs) } else { words.appendWords(list, to: &hypothesisIDs) }
    }

    // Word indices count the reference's words first, so none may follow a hypothesis word.
    private func checkOrder(_ side: Side) {
        precondition(side == .hypothesis || hypothesisIDs.isEmpty, "add reference words before hypothesis words")
    }

    mutating func appendCharacters(of text: String, to side: Side) {
        var text = text
        text.withUTF8 { bytes in
            var pendingSpace = false, emittedAny = false
            var index = 0
            while index < bytes.count {
                if Self.isWhitespace(bytes[index]) {
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

    mutating func appendCharacters(of list: [String], to side: Side) {
        var first = true
        for word in list where !word.isEmpty {
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
