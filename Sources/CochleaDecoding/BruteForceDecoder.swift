import Foundation

/// The plain reference for `BeamSearchDecoder`: it enumerates every frame path (C^T of them, so
/// only for tiny inputs), collapses each to its labelling, sums the paths' probabilities in
/// Double, and scores the labellings' words with strings and dictionaries: the lexicon as a set,
/// the language model sentence by sentence, hotwords by name. A wide enough beam must find the
/// same best labelling with the same scores.
public enum BruteForceDecoder {
    public struct Scored: Equatable {
        public var tokens: [Int]
        /// Words separated by single spaces.
        public var text: String
        public var acousticScore: Double
        public var score: Double
    }

    /// Every labelling with non-zero probability that the constraints allow, best score first.
    public static func rank(_ logProbs: LogProbabilities, tokens: [String], lexicon: Set<String>? = nil,
                            languageModel: NGramLanguageModel? = nil, languageModelWeight: Double = 0.5,
                            wordBonus: Double = 0, hotwords: [String: Double] = [:]) -> [Scored] {
        let T = logProbs.frames, C = logProbs.classes
        precondition(pow(Double(C), Double(T)) <= 5e6, "too many paths to enumerate")
        var probability = [[Int]: Double]()
        var path = [Int](repeating: 0, count: T)
        while true {
            var logP = 0.0
            for t in 0..<T { logP += Double(logProbs.row(t)[path[t]]) }
            var labels = [Int](), previous = 0
            for c in path {
                if c != 0 && c != previous { labels.append(c) }
                previous = c
            }
            probability[labels, default: 0] += exp(logP)
            // Next path, as an odometer over classes.
            var t = T - 1
            while t >= 0 && path[t] == C - 1 {
                path[t] = 0
                t -= 1
            }
            if t < 0 { break }
            path[t] += 1
        }
        var result = [Scored]()
        for (labels, p) in probability where p > 0 {
            let text = labels.map { tokens[$0] }.joined()
            let words = text.split(separator: " ").map(String.init)
            if let lexicon, !words.allSatisfy(lexicon.contains) { continue }
            var score = log(p) + wordBonus * Double(words.count)
            if let languageModel { score += languageModelWeight * M_LN10 * languageModel.log10Probability(of: words) }
            for word in words { score += hotwords[word] ?? 0 }
            result.append(Scored(tokens: labels, text: words.joined(separator: " "), acousticScore: log(p), score: score))
        }
        return result.sorted { $0.score > $1.score }
    }
}
