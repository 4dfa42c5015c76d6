import Foundation

/// Finds keywords in long audio from its log-probabilities, fed in chunks of any size, so that an
/// hour of audio never needs all its frames at once (it keeps 2 bytes per frame: the best class).
///
/// Method: keyword against filler. For each keyword k1 … kn a CTC alignment (k1, blank, k2, …, kn,
/// with repeats and the blank skippable between different letters, as in CTC) may start at any
/// frame. Each frame on it scores ln p(its token) − ln p(the frame's most probable token), so the
/// filler (the best path) scores 0 and a detection's score S ≤ 0. A Viterbi pass keeps, per
/// alignment state, the best score and where that path started; a small cost per frame (1e-3)
/// prefers the compact path among equals, and paths longer than `maxDuration` are dropped.
///
/// Confidence = exp(S / n): per keyword character, the geometric mean of how much less probable
/// the keyword's alignment is than the best path over the same frames (1 when the best path spells
/// the keyword there). Overlapping candidates of one keyword keep the most confident. A detection
/// must be a whole word: the nearest character that the best path emits outside it, within
/// `wordGap`, must be the word separator (the audio's edges and a silence of `wordGap` count as
/// boundaries), so "no" is not found in "know".
public final class KeywordSpotter {
    public struct Keyword: Equatable, Sendable {
        public var word: String
        /// Detections below this confidence are not reported.
        public var threshold: Double
        public init(word: String, threshold: Double) {
            self.word = word
            self.threshold = threshold
        }
    }

    public struct Detection: Codable, Equatable, Sendable {
        public var keyword: String
        /// Seconds from the start of the audio: the first frame of the first character and the end of
        /// the last character's last frame.
        public var start: Double
        public var end: Double
        public var confidence: Double
        public var startFrame: Int
        public var endFrame: Int
    }

    public struct Options: Equatable, Sendable {
        /// Longest keyword occurrence considered, seconds.
        public var maxDuration = 2.0
        /// Silence that separates words when the model emits no separator, seconds.
        public var wordGap = 0.15
        public init(maxDuration: Double = 2.0, wordGap: Double = 0.15) {
            self.maxDuration = maxDuration
            self.wordGap = wordGap
        }
    }

    /// Per keyword: its labels, the Viterbi state (score, start frame per alignment state), the
    /// candidate that overlapping ones may still replace, and closed ones waiting for the frames
    /// after them (to check the word boundary).
    struct Track {
        var keyword: Keyword
        var labels: [Int]
        var score: [Float]
        var start: [Int]
        var open: Detection?
        var closed = [Detection]()
    }

    public let timing: FrameTiming
    public let options: Options
    let separator: Int
    let maxFrames: Int, gapFrames: Int
    var tracks: [Track]
    /// The most probable class of every frame seen so far.
    var best = [UInt16]()
    static let frameCost: Float = 1e-3

    public init(tokens: [String], keywords: [Keyword], timing: FrameTiming = FrameTiming(), options: Options = Options()) throws {
        let spelling = TokenSpelling(tokens: tokens)
        self.timing = timing
        self.options = options
        separator = spelling.separator ?? -1
        maxFrames = max(1, Int((options.maxDuration / timing.shift).rounded()))
        gapFrames = max(1, Int((options.wordGap / timing.shift).rounded()))
        tracks = try keywords.map { keyword in
            let labels = try spelling.spell(keyword.word)
            let states = 2 * labels.count - 1
            return Track(keyword: keyword, labels: labels, score: Array(repeating: -.infinity, count: states),
                         start: Array(repeating: 0, count: states))
        }
    }

    /// Frames consumed so far.
    public var frames: Int { best.count }

    /// Feeds the next frames; returns the detections that can no longer change, in time order.
    public func consume(_ chunk: LogProbabilities) -> [Detection] {
        var done = [Detection]()
        for t in 0..<chunk.frames {
            let row = chunk.row(t)
            var top = 0
            for c in 1..<chunk.classes where row[c] > row[top] { top = c }
            let frame = best.count
            best.append(UInt16(top))
            let ceiling = row[top]
            for k in tracks.indices {
                advance(&tracks[k], row: row, ceiling: ceiling, frame: frame)
                // Later candidates start after frame − maxFrames, so they cannot overlap this one any more.
                if let open = tracks[k].open, frame - maxFrames > open.endFrame {
                    tracks[k].closed.append(open)
                    tracks[k].open = nil
                }
                while let first = tracks[k].closed.first, frame - first.endFrame > maxFrames + gapFrames {
                    tracks[k].closed.removeFirst()
                    if let accepted = finalize(first, labels: tracks[k].labels) { done.append(accepted) }
                }
            }
        }
        return done.sorted { $0.startFrame < $1.startFrame }
    }

    /// Reports what is still pending at the end of the audio.
    public func finish() -> [Detection] {
        var done = [Detection]()
        for k in tracks.indices {
            for candidate in tracks[k].closed + (tracks[k].open.map { [$0] } ?? []) {
                if let accepted = finalize(candidate, labels: tracks[k].labels) { done.append(accepted) }
            }
            tracks[k].open = nil
            tracks[k].closed.removeAll()
        }
        return done.sorted { $0.startFrame < $1.startFrame }
    }

    /// One Viterbi step of a keyword's alignment, in place (states only take from lower states).
    func advance(_ track: inout Track, row: UnsafePointer<Float>, ceiling: Float, frame: Int) {
        let states = track.score.count
        for s in stride(from: states - 1, through: 0, by: -1) {
            let isLabel = s % 2 == 0
            var best = track.score[s], start = track.start[s]
            func consider(_ score: Float, _ from: Int) {
                // Equal scores: the later start is the more compact path.
                if score > best || (score == best && from > start) {
                    best = score
                    start = from
                }
            }
            if s >= 1 { consider(track.score[s - 1], track.start[s - 1]) }
            if isLabel && s >= 2 && track.labels[s / 2] != track.labels[s / 2 - 1] { consider(track.score[s - 2], track.start[s - 2]) }
            if s == 0 { consider(0, frame) }
            let token = isLabel ? track.labels[s / 2] : 0
            let score = best + (row[token] - ceiling) - Self.frameCost
            track.score[s] = frame - start >= maxFrames ? -.infinity : score
            track.start[s] = start
        }
        let last = states - 1
        guard track.score[last] > -.infinity else { return }
        let raw = Double(track.score[last]) + Double(Self.frameCost) * Double(frame - track.start[last] + 1)
        let confidence = exp(raw / Double(track.labels.count))
        guard confidence >= track.keyword.threshold else { return }
        let candidate = Detection(keyword: track.keyword.word, start: 0, end: 0, confidence: confidence,
                                  startFrame: track.start[last], endFrame: frame)
        if let open = track.open, candidate.startFrame <= open.endFrame {
            if candidate.confidence > open.confidence { track.open = candidate }
        } else {
            if let open = track.open { track.closed.append(open) }
            track.open = candidate
        }
    }

    /// Widens a candidate over the runs of its first and last letters, checks word boundaries, sets times.
    func finalize(_ candidate: Detection, labels: [Int]) -> Detection? {
        var first = candidate.startFrame, last = candidate.endFrame
        while first > 0 && Int(best[first - 1]) == labels[0] { first -= 1 }
        while last + 1 < best.count && Int(best[last + 1]) == labels[labels.count - 1] { last += 1 }
        guard boundary(from: first - 1, step: -1), boundary(from: last + 1, step: 1) else { return nil }
        var detection = candidate
        detection.startFrame = first
        detection.endFrame = last
        detection.start = Double(first) * timing.shift
        detection.end = Double(last) * timing.shift + timing.length
        return detection
    }

    /// Whether the best path, walking from `frame`, reaches a separator, the edge, or `gapFrames`
    /// of silence before any other character.
    func boundary(from frame: Int, step: Int) -> Bool {
        var f = frame
        for _ in 0..<gapFrames {
            guard f >= 0 && f < best.count else { return true }
            let c = Int(best[f])
            if c == separator { return true }
            if c != 0 { return false }
            f += step
        }
        return true
    }
}
