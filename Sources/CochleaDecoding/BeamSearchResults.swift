import Foundation

extension BeamSearchDecoder {
    /// Ends every hypothesis's last word, adds ln P(</s>), and lists the best distinct texts.
    func finish(_ logProbs: LogProbabilities, arena: inout PrefixArena, records: EmissionRecords, work: Workspace,
                table: UnsafeMutablePointer<Float>) -> [BeamHypothesis] {
        var finals = [(score: Float, acoustic: Float, node: Int32, record: Int32, last: Int32)]()
        let beam = work.current
        for s in 0..<beam.count {
            let node = beam.node[s], b = beam.blank[s], nb = beam.nonBlank[s]
            let acoustic = LogAddExp.add(b, nb, table)
            var total = acoustic + arena.nodes[Int(node)].extra
            if scoresWords {
                let delta = endDelta(node, &arena)
                guard delta > -.infinity else { continue }  // a lexicon word left unfinished
                total += delta
            }
            if let languageModel, let end = languageModel.endID {
                total += lmScale * languageModel.score(state: arena.nodes[Int(node)].endLM, word: end).log10
            }
            finals.append((total, acoustic, node, b >= nb ? beam.blankRecord[s] : beam.nonBlankRecord[s],
                           b >= nb ? beam.blankLast[s] : beam.nonBlankLast[s]))
        }
        finals.sort { $0.score > $1.score }
        var result = [BeamHypothesis](), seen = Set<String>()
        for final in finals {
            var tokens = [Int](), node = final.node
            while node != 0 {
                tokens.append(Int(arena.nodes[Int(node)].token))
                node = arena.nodes[Int(node)].parent
            }
            tokens.reverse()
            // "a b" and "a  b" are different labellings but the same words: list the better once.
            guard seen.insert(Self.words(spelling.text(tokens))).inserted else { continue }
            result.append(BeamHypothesis(tokens: tokens, score: Double(final.score), acousticScore: Double(final.acoustic),
                                         frames: records.frames(of: final.record, last: final.last)))
            if result.count == options.nbest { break }
        }
        if result.isEmpty {
            // Every hypothesis stopped inside a word: fall back to the empty labelling (all blanks).
            var acoustic = 0.0
            for t in 0..<logProbs.frames { acoustic += Double(logProbs.row(t)[0]) }
            var score = acoustic
            if let languageModel, let end = languageModel.endID {
                score += Double(lmScale * languageModel.score(state: languageModel.beginState, word: end).log10)
            }
            result.append(BeamHypothesis(tokens: [], score: score, acousticScore: acoustic, frames: []))
        }
        return result
    }

    /// Text with single spaces between words and none at the ends.
    static func words(_ text: String) -> String { text.split(separator: " ").joined(separator: " ") }

    /// Words with times and confidences for a hypothesis, as `GreedyDecoder` reports them: a
    /// token's posterior is its largest over the frames where the winning path emitted it.
    ///
    /// With `unknownThreshold`, rejection is per word: a word below the threshold becomes "<unk>".
    /// And with a lexicon, an empty result while greedy decoding hears a word at or above the
    /// threshold (speech that no allowed word explains, where dropping it scored better than
    /// forcing a word onto it) becomes one "<unk>" spanning greedy's words, with the confidence of
    /// greedy's surest word.
    public func transcript(of hypothesis: BeamHypothesis, logProbs: LogProbabilities) -> Transcript {
        var emitted = [(token: Int, first: Int, last: Int, logProb: Double)]()
        for (token, span) in zip(hypothesis.tokens, hypothesis.frames) {
            var best = -Float.infinity
            for t in span.first...span.last { best = max(best, logProbs.row(t)[token]) }
            emitted.append((token, span.first, span.last, Double(best)))
        }
        var transcript = GreedyDecoder(tokens: spelling.tokens, timing: timing)
            .assemble(emitted, score: hypothesis.acousticScore, frames: logProbs.frames)
        if let threshold = options.unknownThreshold {
            for i in transcript.words.indices where transcript.words[i].confidence < threshold {
                transcript.words[i].word = Self.unknownWord
            }
            if transcript.words.isEmpty, lexicon != nil {
                let heard = GreedyDecoder(tokens: spelling.tokens, timing: timing).decode(logProbs).words
                if let first = heard.first, let last = heard.last, let surest = heard.map(\.confidence).max(), surest >= threshold {
                    transcript.words = [DecodedWord(word: Self.unknownWord, start: first.start, end: last.end, confidence: surest)]
                }
            }
            transcript.text = transcript.words.map(\.word).joined(separator: " ")
        }
        return transcript
    }

    /// What a rejected word becomes.
    public static let unknownWord = "<unk>"
}
