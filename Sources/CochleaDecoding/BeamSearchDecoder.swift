import Foundation

/// CTC prefix beam search in log space, with optional vocabulary constraint (a lexicon or keyword
/// list), word n-gram language model, word bonus and hotwords.
///
/// Per frame, each hypothesis (prefix, ends-in-blank) proposes: staying with a blank, repeating its
/// last token, and extending its prefix by each allowed token. Contributions that reach the same
/// hypothesis are summed (log-add-exp), so scores are labelling probabilities, not best paths.
/// Because the hypotheses are grouped by prefix node, every merge is known before scoring (a
/// prefix's two hypotheses, and a child prefix already in the beam), and the candidates are
/// selected (a floor raised by quickselect every K candidates) with no hashing; tokens are visited
/// in falling probability so that a prefix's remaining extensions are skipped once they fall below
/// the floor. Only the K winners
/// touch the prefix trie. Buffers are kept between calls: after the first utterance of a given
/// length, decoding allocates nothing per frame.
///
/// Word-level scores are added when a prefix is extended (see `PrefixArena`): with a lexicon only
/// extensions along its trie are proposed, the word separator only where a word ends, and at the
/// end only prefixes ending in a whole word count. The language model and β are applied when a word
/// ends (separator or end of utterance; the end also adds α·ln P(</s> | history)).
///
/// Not thread-safe (it keeps a workspace): one decoder per thread.
public final class BeamSearchDecoder: TranscriptDecoder {
    public let spelling: TokenSpelling
    public let timing: FrameTiming
    public let options: BeamSearchOptions
    /// The vocabulary constraint, if any.
    public let lexicon: WordTrie?
    public let languageModel: NGramLanguageModel?
    public let hotwords: Hotwords?

    let classes: Int
    let separator: Int32
    /// The lexicon, or the language model's vocabulary (to name words for it) when unconstrained.
    let words: WordTrie?
    /// Word id in `words` → the language model's word id (−1: <unk>).
    let lmWord: [Int32]
    /// Hotword trie as a dense [nodes, C] table of children, and each node's largest bonus gain.
    let hotChild: [Int32]
    let hotGain: [Float]
    let lmScale: Float
    /// True when ending a word can change a score (the fast path skips word ends otherwise).
    let scoresWords: Bool

    var arena = PrefixArena()
    var records = EmissionRecords()
    var work: Workspace?
    /// Prefix nodes created before those that no hypothesis descends from are dropped (the memory
    /// of a search grows by at most K nodes per frame until then; about 44 bytes per node).
    public var compactionThreshold = 1 << 16

    /// - Parameters:
    ///   - tokens: the model's tokens; index 0 is the blank, " " separates words.
    ///   - lexicon: the only words allowed (keywords or a lexicon file's words), or nil.
    public init(tokens: [String], timing: FrameTiming = FrameTiming(), options: BeamSearchOptions = BeamSearchOptions(),
                lexicon: [String]? = nil, languageModel: NGramLanguageModel? = nil, hotwords: [Hotwords.Entry] = []) throws {
        try options.validate()
        let spelling = TokenSpelling(tokens: tokens)
        self.spelling = spelling
        self.timing = timing
        self.options = options
        classes = tokens.count
        separator = Int32(spelling.separator ?? -1)
        if (lexicon != nil || languageModel != nil) && spelling.separator == nil { throw VocabularyError.noWordSeparator }
        let constraint = try lexicon.map { words in
            if words.isEmpty { throw VocabularyError.emptyVocabulary(context: "the lexicon") }
            return try WordTrie(words: words, spelling: spelling)
        }
        self.lexicon = constraint
        self.languageModel = languageModel
        if let constraint {
            words = constraint
        } else if let languageModel {
            // Words the tokens cannot spell can never be decoded, so they are left out.
            let spellable = languageModel.vocabulary.filter { !["<s>", "</s>", "<unk>"].contains($0) && (try? spelling.spell($0)) != nil }
            words = try WordTrie(words: spellable, spelling: spelling)
        } else {
            words = nil
        }
        let wordTrie = words
        lmWord = (wordTrie?.words ?? []).map { word in
            guard let lm = languageModel else { return -1 }
            return lm.wordIDs[word] ?? lm.wordIDs[word.lowercased()] ?? lm.wordIDs[word.uppercased()] ?? -1
        }
        let hot = hotwords.isEmpty ? nil : try Hotwords(hotwords, spelling: spelling)
        self.hotwords = hot
        var table = [Int32](), gain = [Float]()
        if let hot {
            table = [Int32](repeating: -1, count: hot.trie.nodeCount * tokens.count)
            gain = [Float](repeating: 0, count: hot.trie.nodeCount)
            for node in 0..<hot.trie.nodeCount {
                for e in hot.trie.edges(Int32(node)) {
                    let child = hot.trie.edgeTarget[e]
                    table[node * tokens.count + Int(hot.trie.edgeToken[e])] = child
                    gain[node] = max(gain[node], hot.provisional[Int(child)] - hot.provisional[node])
                }
            }
        }
        hotChild = table
        hotGain = gain
        lmScale = options.languageModelWeight * Float(M_LN10)
        scoresWords = constraint != nil || languageModel != nil || hot != nil || options.wordBonus != 0
    }

    public func decode(_ logProbs: LogProbabilities) -> Transcript {
        let found = search(logProbs)
        var transcript = transcript(of: found[0], logProbs: logProbs)
        if options.nbest > 1 {
            transcript.alternatives = found.map { ScoredText(text: spelling.text($0.tokens).split(separator: " ").joined(separator: " "),
                                                             score: $0.score, acousticScore: $0.acousticScore) }
        }
        return transcript
    }

    /// The `options.nbest` best hypotheses, best first (at least one: the empty labelling when a
    /// constraint leaves nothing else). Hypotheses with the same words are listed once.
    public func search(_ logProbs: LogProbabilities) -> [BeamHypothesis] {
        precondition(logProbs.classes == classes, "log-probabilities have \(logProbs.classes) classes, the decoder \(classes) tokens")
        // Move the buffers out so that they are uniquely referenced while the loop appends to them.
        var arena = self.arena, records = self.records
        self.arena = PrefixArena()
        self.records = EmissionRecords()
        defer {
            self.arena = arena
            self.records = records
        }
        if work?.width != options.beamWidth || work?.classes != classes { work = Workspace(beam: options.beamWidth, classes: classes) }
        let work = self.work!
        arena.reset(lmState: languageModel?.beginState ?? 0, rootWord: words == nil ? -1 : 0, rootHot: hotwords == nil ? -1 : 0)
        records.reset()
        work.start()
        work.stamp &+= 1
        arena.nodes[0].mark = work.stamp
        arena.nodes[0].slot = 0
        let table = LogAddExp.table
        var compactAt = compactionThreshold
        for t in 0..<logProbs.frames {
            step(frame: t, row: logProbs.row(t), arena: &arena, records: &records, work: work, table: table)
            if arena.count > compactAt {
                let n = work.current.count
                arena.compact(beam: work.current.node.prefix(n), remap: &work.remap)
                records.compact(references: [work.current.blankRecord.prefix(n), work.current.nonBlankRecord.prefix(n)], remap: &work.remap)
                // The survivors may be most of the nodes (a long transcript): wait until they have grown again.
                compactAt = max(compactionThreshold, 2 * arena.count)
            }
        }
        return finish(logProbs, arena: &arena, records: records, work: work, table: table)
    }

    /// The change of `extra` if the word being spelt by `node` ends here (−∞ if it may not), cached.
    @inline(__always)
    func endDelta(_ node: Int32, _ arena: inout PrefixArena) -> Float {
        let n = Int(node)
        let cached = arena.nodes[n].endDelta
        if !cached.isNaN { return cached }
        var delta: Float = 0
        var next = arena.nodes[n].lm
        if node != 0 && arena.nodes[n].token != separator {
            let w = arena.nodes[n].word
            let wordID = w >= 0 ? words!.wordAt[Int(w)] : -1
            if lexicon != nil && wordID < 0 {
                delta = -.infinity
            } else {
                delta = options.wordBonus
                if let languageModel {
                    let id = wordID >= 0 ? lmWord[Int(wordID)] : -1
                    let (log10, state) = languageModel.score(state: arena.nodes[n].lm, word: id >= 0 ? id : nil)
                    delta += lmScale * log10
                    next = state
                }
                if let hotwords {
                    let h = arena.nodes[n].hot
                    delta += (h >= 0 ? hotwords.final[Int(h)] : 0) - arena.nodes[n].hotBonus
                }
            }
        }
        arena.nodes[n].endDelta = delta
        arena.nodes[n].endLM = next
        return delta
    }

    /// The node for `parent` + `token`, created with its word-level state if new.
    @inline(__always)
    func child(of parent: Int32, token c: Int32, _ arena: inout PrefixArena) -> Int32 {
        let found = arena.children.find(parent: parent, token: c)
        if found >= 0 { return found }
        let p = Int(parent)
        if c == separator {
            let delta = endDelta(parent, &arena)
            return arena.append(parent: parent, token: c, word: words == nil ? -1 : 0, hot: hotwords == nil ? -1 : 0,
                                lm: arena.nodes[p].endLM, extra: arena.nodes[p].extra + delta, hotBonus: 0)
        }
        let w = arena.nodes[p].word
        let word = w >= 0 && words != nil ? words!.child(w, c) : -1
        let h = arena.nodes[p].hot
        let hot = h >= 0 ? hotChild[Int(h) * classes + Int(c)] : -1
        let bonus = hot >= 0 ? hotwords!.provisional[Int(hot)] : 0
        return arena.append(parent: parent, token: c, word: word, hot: hot, lm: arena.nodes[p].lm,
                            extra: arena.nodes[p].extra + bonus - arena.nodes[p].hotBonus, hotBonus: bonus)
    }
}
