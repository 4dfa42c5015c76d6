import Foundation

/// Best-path CTC decoding: the most probable class at every frame, repeats merged, blanks removed.
/// Words are the runs of tokens between `wordSeparator` tokens; their times come from the frames
/// at which their characters were emitted.
public struct GreedyDecoder: Sendable {
    public let tokens: [String]
    public let blank: Int
    public let wordSeparator: Int?
    public let timing: FrameTiming

    /// `tokens[0]` is the blank; the token " " separates words.
    public init(tokens: [String], timing: FrameTiming = FrameTiming()) {
        self.tokens = tokens
        blank = 0
        wordSeparator = tokens.firstIndex(of: " ")
        self.timing = timing
    }

    /// The best path's class per frame.
    public func bestPath(_ logProbs: LogProbabilities) -> [Int] {
        (0..<logProbs.frames).map { t in
            let row = logProbs.row(t)
            var best = 0
            for c in 1..<logProbs.classes where row[c] > row[best] { best = c }
            return best
        }
    }

    public func decode(_ logProbs: LogProbabilities) -> Transcript {
        let path = bestPath(logProbs)
        var emitted = [(token: Int, first: Int, last: Int, logProb: Float)]()
        var score = 0.0
        var previous = blank
        for (t, c) in path.enumerated() {
            let lp = logProbs.row(t)[c]
            score += Double(lp)
            if c != blank {
                if c == previous, var last = emitted.popLast() {
                    last.last = t
                    last.logProb = max(last.logProb, lp)
                    emitted.append(last)
                } else {
                    emitted.append((c, t, t, lp))
                }
            }
            previous = c
        }
        return assemble(emitted.map { ($0.token, $0.first, $0.last, Double($0.logProb)) }, score: score,
                        frames: logProbs.frames)
    }

    /// Turns emitted tokens (with their first and last frame and log posterior) into words and text.
    public func assemble(_ emitted: [(token: Int, first: Int, last: Int, logProb: Double)], score: Double, frames: Int) -> Transcript {
        var words = [DecodedWord]()
        var current = "", first = 0, last = 0, logSum = 0.0, count = 0
        func flush() {
            guard !current.isEmpty else { return }
            words.append(DecodedWord(
                word: current, start: Double(first) * timing.shift, end: Double(last) * timing.shift + timing.length,
                confidence: exp(logSum / Double(count))))
            current = ""
            logSum = 0
            count = 0
        }
        for item in emitted {
            if item.token == wordSeparator {
                flush()
                continue
            }
            if current.isEmpty { first = item.first }
            current += tokens[item.token]
            last = item.last
            logSum += item.logProb
            count += 1
        }
        flush()
        let confidence = frames > 0 ? exp(score / Double(frames)) : 0
        return Transcript(text: words.map(\.word).joined(separator: " "), words: words, confidence: confidence, score: score)
    }
}
