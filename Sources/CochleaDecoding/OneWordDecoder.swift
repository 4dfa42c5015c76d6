import CochleaCTC
import Foundation

/// Decoding for recordings that hold exactly one word of a list, as Speech Commands' clips do:
/// every word is scored by its CTC log-likelihood over the whole recording, ln P(word | audio) (the
/// sum over all frame paths that collapse to the word alone), and the best is the transcript. No
/// sequence of words can win, so nothing is inserted or left out. The transcript's confidence is the
/// best word's share of the listed words' probability mass; its time span is that of the best
/// single path (Viterbi) of the word.
public final class OneWordDecoder: TranscriptDecoder {
    public let words: [String]
    public let timing: FrameTiming
    /// A word whose confidence is below this comes out as `<unk>` (nil: never).
    public let unknownThreshold: Double?
    /// Texts reported in `alternatives`, best first (1: none).
    public let nbest: Int
    private let spellings: [[Int]]

    /// Throws if `tokens` cannot spell a word (naming the characters they lack) or the list is empty.
    public init(words: [String], tokens: [String], timing: FrameTiming = FrameTiming(), unknownThreshold: Double? = nil,
                nbest: Int = 1) throws {
        guard !words.isEmpty else { throw VocabularyError.emptyWord(context: "the one-word list (it has no words)") }
        let spelling = TokenSpelling(tokens: tokens)
        spellings = try words.map { try spelling.spell($0) }
        self.words = words
        self.timing = timing
        self.unknownThreshold = unknownThreshold
        self.nbest = max(1, nbest)
    }

    public func decode(_ logProbs: LogProbabilities) -> Transcript {
        let rows = Self.doubleRows(logProbs)
        let scores = spellings.map { CTCReference.logLikelihood(logProbs: rows, classes: logProbs.classes, target: $0) }
        let ranked = scores.indices.sorted { scores[$0] > scores[$1] }
        let best = ranked[0]
        guard scores[best] > -.infinity else { return Transcript(text: "", words: [], confidence: 0, score: -.infinity) }
        let total = scores.reduce(-Double.infinity, CTCReference.logAdd)
        let confidence = exp(scores[best] - total)
        let (first, last) = Self.bestPathSpan(logProbs, labels: spellings[best])
        var word = words[best]
        if let unknownThreshold, confidence < unknownThreshold { word = "<unk>" }
        let decoded = DecodedWord(word: word, start: Double(first) * timing.shift,
                                  end: Double(last) * timing.shift + timing.length, confidence: confidence)
        let alternatives = nbest > 1 ? ranked.prefix(nbest).filter { scores[$0] > -.infinity }
            .map { ScoredText(text: words[$0], score: scores[$0], acousticScore: scores[$0]) } : []
        return Transcript(text: word, words: [decoded], confidence: confidence, score: scores[best], alternatives: alternatives)
    }

    /// ln P(labels | logProbs) under CTC (blank = class 0), by the CTC loss's reference forward pass.
    static func logLikelihood(_ lp: LogProbabilities, labels: [Int]) -> Double {
        CTCReference.logLikelihood(logProbs: doubleRows(lp), classes: lp.classes, target: labels)
    }

    /// The [T, C] rows in Double, once per recording, for every word's forward pass.
    private static func doubleRows(_ lp: LogProbabilities) -> [Double] {
        var rows = [Double]()
        rows.reserveCapacity(lp.frames * lp.classes)
        for t in 0..<lp.frames {
            let row = lp.row(t)
            for k in 0..<lp.classes { rows.append(Double(row[k])) }
        }
        return rows
    }

    /// First and last frame of the labels on the single most probable CTC path of `labels`.
    static func bestPathSpan(_ lp: LogProbabilities, labels: [Int]) -> (first: Int, last: Int) {
        let label = CTCReference.extendedLabels(labels), canSkip = CTCReference.skips(label)
        let states = label.count
        // Per state: the best path's score and the frame where its first label began.
        var score = [Double](repeating: -.infinity, count: states), start = [Int](repeating: 0, count: states)
        var nextScore = score, nextStart = start
        var lastLabelFrame = [Int](repeating: 0, count: states), nextLast = lastLabelFrame
        score[0] = Double(lp.row(0)[0])
        if states > 1 { score[1] = Double(lp.row(0)[label[1]]) }
        for t in 1..<max(1, lp.frames) {
            let row = lp.row(t)
            for j in 0..<states {
                var from = j
                if j >= 1, score[j - 1] > score[from] { from = j - 1 }
                if canSkip[j], score[j - 2] > score[from] { from = j - 2 }
                nextScore[j] = score[from] + Double(row[label[j]])
                // A path entering the first label here starts here; a label state records its last frame.
                nextStart[j] = j == 1 && from == 0 ? t : start[from]
                nextLast[j] = j % 2 == 1 ? t : lastLabelFrame[from]
            }
            swap(&score, &nextScore)
            swap(&start, &nextStart)
            swap(&lastLabelFrame, &nextLast)
        }
        let end = states > 1 && score[states - 2] > score[states - 1] ? states - 2 : states - 1
        return (start[end], lastLabelFrame[end])
    }
}
