import Foundation

/// Estimates a word n-gram language model from sentences with interpolated Kneser-Ney smoothing
/// and writes it as an ARPA file that `ARPAReader` (and KenLM, SRILM) read.
///
/// The estimate, per order n (Chen & Goodman 1998, with one discount per order):
/// - adjusted counts a(g): raw counts for the highest order and for n-grams that start with <s>
///   (nothing precedes them); otherwise the number of different words seen before g;
/// - a discount D_n = n1 / (n1 + 2 n2) from how many n-grams have adjusted count 1 and 2, kept
///   within 0.1…0.9 so that tiny corpora still leave mass for unseen words;
/// - p(w | h) = (a(h w) − D_n) / A(h) + γ(h) · p(w | h'), with A(h) the sum of a(h ·), γ(h) =
///   D_n · (words seen after h) / A(h), h' the history without its oldest word, and below the
///   unigrams a uniform distribution over the vocabulary (without <s>, with </s> and <unk>).
///
/// In the ARPA file a seen n-gram carries that interpolated p and every history its γ as the
/// backoff weight, so that backing off reproduces the interpolation exactly: for every history
/// the probabilities of the whole vocabulary sum to 1.
public struct KneserNeyBuilder {
    public let order: Int
    /// Words by id: <s>, </s>, <unk>, then the others in the order first seen.
    public private(set) var words = ["<s>", "</s>", "<unk>"]
    private var ids: [String: Int32] = ["<s>": 0, "</s>": 1, "<unk>": 2]
    /// Raw counts per order (index n − 1), keyed by word ids.
    private var counts: [[[Int32]: Int]]
    public private(set) var sentences = 0

    public static let maximumOrder = 6

    public init(order: Int) {
        precondition((1...Self.maximumOrder).contains(order), "order must be in 1...\(Self.maximumOrder)")
        self.order = order
        counts = Array(repeating: [:], count: order)
    }

    /// Counts one sentence, framed by <s> and </s>.
    public mutating func add(_ sentence: [String]) {
        var tokens: [Int32] = [0]
        for word in sentence { tokens.append(id(word)) }
        tokens.append(1)
        for end in 1..<tokens.count {
            for n in 1...min(order, end + 1) { counts[n - 1][Array(tokens[(end - n + 1)...end]), default: 0] += 1 }
        }
        sentences += 1
    }

    private mutating func id(_ word: String) -> Int32 {
        if let id = ids[word] { return id }
        let id = Int32(words.count)
        ids[word] = id
        words.append(word)
        return id
    }

    /// The estimated model: per order, each n-gram's log10 probability and log10 backoff weight
    /// (nil where the n-gram is never a history), and the discounts used.
    public func estimate() -> Estimate {
        precondition(sentences > 0, "no sentences to estimate from")
        let adjusted = adjustedCounts()
        var discounts = [Double]()
        // Per order n: history → (A(h), words seen after h).
        var histories = [[[Int32]: (total: Int, types: Int)]]()
        for n in 1...order {
            var ofCount = [0, 0, 0]
            var perHistory = [[Int32]: (total: Int, types: Int)]()
            for (gram, a) in adjusted[n - 1] where a > 0 {
                if a <= 2 { ofCount[a] += 1 }
                perHistory[Array(gram.dropLast()), default: (0, 0)].total += a
                perHistory[Array(gram.dropLast()), default: (0, 0)].types += 1
            }
            let (n1, n2) = (Double(ofCount[1]), Double(ofCount[2]))
            discounts.append(n1 + n2 == 0 ? 0.5 : min(0.9, max(0.1, n1 / (n1 + 2 * n2))))
            histories.append(perHistory)
        }
        func gamma(_ history: [Int32], _ n: Int) -> Double {
            guard let h = histories[n - 1][history] else { return 1 }
            return discounts[n - 1] * Double(h.types) / Double(h.total)
        }

        var probabilities = [[[Int32]: Double]]()
        let uniform = 1 / Double(words.count - 1)
        for n in 1...order {
            var p = [[Int32]: Double]()
            for (gram, a) in adjusted[n - 1] where a > 0 || n == 1 {
                let history = Array(gram.dropLast())
                let lower = n == 1 ? uniform : probabilities[n - 2][Array(gram.dropFirst())]!
                let total = Double(histories[n - 1][history]?.total ?? 1)
                p[gram] = max(0, Double(a) - discounts[n - 1]) / total + gamma(history, n) * lower
            }
            probabilities.append(p)
        }

        var orders = [[Estimate.Entry]]()
        for n in 1...order {
            let entries = probabilities[n - 1].map { gram, p in
                Estimate.Entry(words: gram, log10Probability: log10(p),
                               log10Backoff: n < order && histories[n][gram] != nil ? log10(gamma(gram, n + 1)) : nil)
            }
            orders.append(entries.sorted { $0.words.lexicographicallyPrecedes($1.words) })
        }
        // <s> is never predicted; ARPA files give it −99.
        var begin = Estimate.Entry(words: [0], log10Probability: -99, log10Backoff: nil)
        if order > 1, histories[1][[0]] != nil { begin.log10Backoff = log10(gamma([0], 2)) }
        orders[0].insert(begin, at: 0)
        return Estimate(words: words, orders: orders, discounts: discounts)
    }

    /// Adjusted counts per order; the unigram table also holds every word of the vocabulary but
    /// <s> (with 0 when only the uniform share reaches it, as <unk> does).
    private func adjustedCounts() -> [[[Int32]: Int]] {
        var adjusted = counts
        for n in 1..<order {
            var preceded = [[Int32]: Int]()
            for gram in counts[n].keys { preceded[Array(gram.dropFirst()), default: 0] += 1 }
            for gram in counts[n - 1].keys where gram.first != 0 { adjusted[n - 1][gram] = preceded[gram] ?? 0 }
        }
        for id in 1..<Int32(words.count) where adjusted[0][[id]] == nil { adjusted[0][[id]] = 0 }
        return adjusted
    }

    /// A model ready to write.
    public struct Estimate {
        public struct Entry {
            public var words: [Int32]
            public var log10Probability: Double
            public var log10Backoff: Double?
        }
        public var words: [String]
        /// Entries per order, 1 … order, in a fixed order (by word ids).
        public var orders: [[Entry]]
        public var discounts: [Double]

        /// The model in ARPA format.
        public func arpa() -> String {
            var text = "\\data\\\n"
            for (n, entries) in orders.enumerated() { text += "ngram \(n + 1)=\(entries.count)\n" }
            for (n, entries) in orders.enumerated() {
                text += "\n\\\(n + 1)-grams:\n"
                for entry in entries {
                    text += String(format: "%.6f\t", entry.log10Probability)
                    text += entry.words.map { words[Int($0)] }.joined(separator: " ")
                    if let backoff = entry.log10Backoff { text += String(format: "\t%.6f", backoff) }
                    text += "\n"
                }
            }
            return text + "\n\\end\\\n"
        }
    }
}
