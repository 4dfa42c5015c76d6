/// A word n-gram language model with Katz-style backoff, as ARPA files describe it (read with
/// `ARPAReader`). Immutable after loading.
///
/// Storage: every n-gram is an entry with an integer id; entry 0 is the empty context. An n-gram
/// (w1 … wk) is found under the key (id of its context (w1 … wk−1), id of wk) in one open-addressing
/// hash table, so scoring walks integers only. An entry's id also serves as the language-model
/// state "the history ends with w1 … wk", the way KenLM's states work.
public final class NGramLanguageModel: @unchecked Sendable {
    /// The highest n-gram order.
    public let order: Int
    /// Words by word id (the 1-grams in file order).
    public let vocabulary: [String]
    public let wordIDs: [String: Int32]
    /// Per entry: log10 probability, log10 backoff weight, order, and the entry of its longest
    /// proper suffix that is in the model (dropping the oldest words; 0 when none).
    let logProb: [Float]
    let backoff: [Float]
    let entryOrder: [UInt8]
    let suffix: [Int32]
    let table: NGramTable
    /// Entries per order, 1 … order.
    public let counts: [Int]

    /// KenLM's value for a word the model does not know when the file has no <unk>.
    public static let missingUnknownLog10: Float = -100

    init(order: Int, vocabulary: [String], wordIDs: [String: Int32], logProb: [Float], backoff: [Float], entryOrder: [UInt8],
         suffix: [Int32], table: NGramTable, counts: [Int]) {
        self.order = order
        self.vocabulary = vocabulary
        self.wordIDs = wordIDs
        self.logProb = logProb
        self.backoff = backoff
        self.entryOrder = entryOrder
        self.suffix = suffix
        self.table = table
        self.counts = counts
    }

    public var unknownID: Int32? { wordIDs["<unk>"] }
    public var endID: Int32? { wordIDs["</s>"] }

    /// The state before the first word: the history "<s>" when the model has it, else empty.
    public var beginState: Int32 {
        guard let begin = wordIDs["<s>"] else { return 0 }
        let entry = table.find(0, begin)
        return entry >= 0 ? entry : 0
    }

    /// log10 P(word | history in `state`) with backoff, and the state after the word. `word` nil
    /// (not in the vocabulary) scores as <unk>, or as −100 when the model has no <unk>.
    public func score(state: Int32, word: Int32?) -> (log10: Float, next: Int32) {
        guard let word = word ?? unknownID else { return (Self.missingUnknownLog10, 0) }
        var context = state
        var backoffSum: Float = 0
        while true {
            let entry = table.find(context, word)
            if entry >= 0 {
                let next = Int(entryOrder[Int(entry)]) < order ? entry : suffix[Int(entry)]
                return (logProb[Int(entry)] + backoffSum, next)
            }
            if context == 0 { return (Self.missingUnknownLog10 + backoffSum, 0) }
            backoffSum += backoff[Int(context)]
            context = suffix[Int(context)]
        }
    }

    /// log10 P of a sentence, word by word from <s> (and including </s> when `end` and the model has it).
    /// For checks and tools; the decoder calls `score` directly.
    public func log10Probability(of words: [String], end: Bool = true) -> Double {
        var state = beginState, total = 0.0
        for word in words + (end && endID != nil ? ["</s>"] : []) {
            let (p, next) = score(state: state, word: wordIDs[word])
            total += Double(p)
            state = next
        }
        return total
    }
}

/// (context entry, word id) → entry, open addressing with linear probing, sized from the counts
/// that an ARPA file declares (as far as the file's size makes them believable) and doubled when
/// it fills past one half.
@usableFromInline
struct NGramTable: Sendable {
    @usableFromInline var keys: [UInt64]
    @usableFromInline var values: [Int32]
    @usableFromInline var mask: Int
    @usableFromInline static let empty = UInt64.max
    /// Keys stored.
    private(set) var count = 0

    /// A table that holds `capacity` keys without growing.
    init(capacity: Int) {
        var size = 16
        while size / 2 < capacity { size *= 2 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    @usableFromInline @inline(__always)
    static func key(_ context: Int32, _ word: Int32) -> UInt64 { UInt64(UInt32(bitPattern: context)) << 32 | UInt64(UInt32(bitPattern: word)) }

    /// A 64-bit mixer (the finaliser of MurmurHash3), so that consecutive ids spread over the table.
    @usableFromInline @inline(__always)
    static func slot(_ key: UInt64) -> Int {
        var h = key
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return Int(truncatingIfNeeded: h)
    }

    /// The entry stored under (context, word), or −1.
    @usableFromInline @inline(__always)
    func find(_ context: Int32, _ word: Int32) -> Int32 {
        let key = Self.key(context, word)
        var i = Self.slot(key) & mask
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == Self.empty { return -1 }
            i = (i + 1) & mask
        }
    }

    /// Stores (context, word) → entry; false when the key is already there.
    mutating func insert(_ context: Int32, _ word: Int32, entry: Int32) -> Bool {
        if (count + 1) * 2 > keys.count { grow() }
        let key = Self.key(context, word)
        var i = Self.slot(key) & mask
        while keys[i] != Self.empty {
            if keys[i] == key { return false }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = entry
        count += 1
        return true
    }

    /// Doubles the table, keeping the load under one half.
    private mutating func grow() {
        var larger = NGramTable(capacity: keys.count)
        for (key, value) in zip(keys, values) where key != Self.empty {
            var i = Self.slot(key) & larger.mask
            while larger.keys[i] != Self.empty { i = (i + 1) & larger.mask }
            larger.keys[i] = key
            larger.values[i] = value
        }
        larger.count = count
        self = larger
    }
}
