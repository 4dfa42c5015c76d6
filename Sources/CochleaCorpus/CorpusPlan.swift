import CochleaCore

/// The whole corpus as data: which speaker is in which split, and one `PlanItem` per file (or per
/// babble utterance). A pure function of the options and the catalogue: the same seed gives the same
/// plan, line for line.
public struct CorpusPlan: Equatable, Sendable {
    public var items: [PlanItem]

    public init(items: [PlanItem]) { self.items = items }

    /// Plans a corpus. Throws if a split that must hold clips has no speaker. `accented` speakers
    /// (`VoiceCatalogue.accentedSpeakers`) only train, and say only the words every accent can say;
    /// their clips come next, drawn from a random stream of their own; then, as many as the options
    /// ask for, espeak's training timbres speaking with the accents' languages, from another stream.
    /// The random timbres (`RandomTimbres`) take their share of espeak's training clips in the first
    /// part, and say their own clips after those, from a third stream; the neural voices
    /// (`NeuralVoices`) come last, from a fourth.
    public init(options: CorpusOptions, speakers: [Speaker], accented: [Speaker] = [], neural: [Speaker] = []) throws {
        try options.validate()
        let split = VoiceSplit(speakers: speakers, seed: options.seed, share: options.heldOutTimbreShare,
                               recordedValidation: options.recordedValidation)
        var planner = Planner(options: options, speakers: speakers, split: split)
        items = try planner.makeItems()
        items += try Self.trainingOnly(accented, options, seed: options.seed ^ 0xACCE_57ED_0000_0001,
                                       clipsPerWord: options.accentedClipsPerWord, sentences: options.accentedSentences)
        let espeakAccented = VoiceCatalogue.espeakAccented(speakers.filter { split.split(of: $0.id) == .train })
        items += try Self.trainingOnly(espeakAccented, options, seed: options.seed ^ 0xE5BE_AC00_0000_0001,
                                       clipsPerWord: options.espeakAccentedClipsPerWord, sentences: options.espeakAccentedSentences,
                                       espeakLanguages: Accent.allCases.map(\.espeakLanguage))
        items += try Self.trainingOnly(RandomTimbres.speakers(count: options.randomTimbres), options, seed: options.seed ^ 0x7A4D_0000_0000_0002,
                                       clipsPerWord: options.randomTimbreClipsPerWord, sentences: options.randomTimbreSentences,
                                       everyWord: true)
        items += try Self.trainingOnly(neural, options, seed: options.seed ^ 0x9E0A_0000_0000_0003,
                                       clipsPerWord: options.neuralClipsPerWord, sentences: options.neuralSentences, everyWord: true)
    }

    /// Training clips of `speakers` saying the words every accent can say (or, `everyWord`, every
    /// word), planned from `seed`.
    private static func trainingOnly(_ speakers: [Speaker], _ options: CorpusOptions, seed: UInt64, clipsPerWord: Int, sentences: Int,
                                     espeakLanguages: [String] = VoiceCatalogue.espeakAccents, everyWord: Bool = false) throws -> [PlanItem] {
        var sayable = options
        if !everyWord { sayable.words = options.words.filter(Accent.everyAccentSays) }
        sayable.randomTimbres = 0
        sayable.randomTimbreShare = 0
        guard !speakers.isEmpty, !sayable.words.isEmpty, clipsPerWord + sentences > 0 else { return [] }
        sayable.seed = seed
        sayable.trainClipsPerWord = clipsPerWord
        sayable.trainSentences = sentences
        sayable.heldOutClipsPerWord = 0
        sayable.heldOutSentences = 0
        sayable.noiseSeconds = 0
        let allTrain = VoiceSplit(assignment: Dictionary(uniqueKeysWithValues: speakers.map { ($0.id, Split.train) }))
        var planner = Planner(options: sayable, speakers: speakers, split: allTrain)
        planner.espeakLanguages = espeakLanguages
        return try planner.makeItems()
    }

    /// The split each speaker's clips are in (derived from the items).
    public var speakerSplits: [String: Split] {
        var result = [String: Split]()
        for item in items where !item.speaker.isEmpty { result[item.speaker] = item.split }
        return result
    }
}

/// Draws every clip's parameters from one generator, in a fixed order.
struct Planner {
    let options: CorpusOptions
    let speakers: [String: Speaker]
    let split: VoiceSplit
    var random: SeededRandom
    /// Shuffled decks of families (per split and group) and of speakers (per split and family), so
    /// that every family, and every speaker in it, is used about equally.
    var decks = [String: [String]]()
    /// Next `<n>` per folder and speaker, for `<speaker>_nohash_<n>.wav`.
    var counters = [String: Int]()
    /// The languages an espeak clip's voice is drawn from: English accents, or the accents' languages.
    var espeakLanguages = VoiceCatalogue.espeakAccents
    /// The random timbres' ids, and the stream that decides which training clips they take and deals them.
    let randomTimbres: [String]
    var substitution: SeededRandom
    var randomTimbreDeck = [String]()

    init(options: CorpusOptions, speakers: [Speaker], split: VoiceSplit) {
        self.options = options
        let timbres = RandomTimbres.speakers(count: options.randomTimbres)
        self.speakers = Dictionary(uniqueKeysWithValues: (speakers + timbres).map { ($0.id, $0) })
        randomTimbres = timbres.map(\.id)
        self.split = split
        self.random = SeededRandom(seed: options.seed)
        substitution = SeededRandom(seed: options.seed ^ 0x7A4D_0000_0000_0001)
    }

    mutating func makeItems() throws -> [PlanItem] {
        var items = [PlanItem]()
        let counts: [(Split, Int, Int)] = [
            (.train, options.trainClipsPerWord, options.trainSentences),
            (.validation, options.heldOutClipsPerWord, options.heldOutSentences),
            (.test, options.heldOutClipsPerWord, options.heldOutSentences),
        ]
        for (part, perWord, sentences) in counts where perWord + sentences > 0 && split.speakers(in: part).isEmpty {
            throw CorpusError.invalidOption(
                "no speaker is left for the \(part.rawValue) split with these engines; enable more of espeak, flite, festival (piper's voice only trains)")
        }
        for (part, perWord, _) in counts where perWord > 0 {
            for word in options.words {
                for _ in 0..<perWord { items.append(clip(.word, part, transcript: word, folder: "words/\(word)")) }
            }
        }
        for (part, _, sentences) in counts where sentences > 0 {
            for _ in 0..<sentences {
                items.append(clip(.sentence, part, transcript: sentenceText(), folder: "sentences/\(part.rawValue)"))
            }
        }
        if options.noiseSeconds > 0 { items += noiseItems() }
        return items
    }

    /// A clip of `part` in `split`: a speaker dealt from the split's decks, then every parameter.
    mutating func clip(_ part: PlanPart, _ split: Split, transcript: String, folder: String) -> PlanItem {
        var speaker = speakers[dealSpeaker(split)]!
        if split == .train, part != .babble, !speaker.recorded, let timbre = dealRandomTimbre() { speaker = speakers[timbre]! }
        let renderer = speaker.renderers[Int(random.next() % UInt64(speaker.renderers.count))]
        let n = counters["\(folder)/\(speaker.id)", default: 0]
        counters["\(folder)/\(speaker.id)"] = n + 1
        var item = PlanItem(part: part, split: split, path: "\(folder)/\(speaker.id)_nohash_\(n).wav",
                            transcript: transcript, speaker: speaker.id, engine: renderer.engine)
        var pitchDraw = 0.5  // espeak clips have no sox pitch shift and are never lowered
        switch renderer.engine {
        case .espeak:
            let accent = espeakLanguages[Int(random.next() % UInt64(espeakLanguages.count))]
            item.voice = renderer.voice.map { "\(accent)+\($0)" } ?? accent
            item.rate = Int(uniform(options.espeakRate).rounded())
            item.pitch = Int(uniform(options.espeakPitch).rounded())
        case .flite, .festival, .piper:
            item.voice = renderer.voice!
            item.stretch = quantized(uniform(options.durationStretch), 1000)
            pitchDraw = random.nextUnitDouble()
            item.cents = Int(scaled(pitchDraw, options.pitchShiftCents).rounded())
        }
        item.speed = options.speedFactors[Int(random.next() % UInt64(options.speedFactors.count))]
        item.tempo = quantized(uniform(options.tempo), 1000)
        // Training voices only: held-out voices must sound as they are, or the test measures the augmentation.
        // Not Piper's voice: it is there for sounding like a person (with it raised on half its clips,
        // the test voices' one real man read no better than without it; the model's README).
        if renderer.engine != .espeak && renderer.engine != .piper && split == .train {
            let voiceDraw = random.nextUnitDouble()
            if voiceDraw < options.raisedVoiceShare {
                item.speed = options.raisedVoiceFactors[Int(random.next() % UInt64(options.raisedVoiceFactors.count))]
                item.tempo = quantized(item.tempo / item.speed, 1000)
                item.cents = Int(uniform(options.raisedPitchCents).rounded())
            } else if voiceDraw < options.raisedVoiceShare + options.loweredVoiceShare {
                // The pitch draw already made, moved into the lowered range: no extra draw, so the
                // clips planned after this one (the held-out ones among them) stay as they were.
                item.cents = Int(scaled(pitchDraw, options.loweredPitchCents).rounded())
            }
        }
        item.level = quantized(uniform(options.peakLevel), 100)
        if random.nextUnitDouble() < options.noisyShare {
            item.noise = [NoiseKind.white, .pink, .brown][Int(random.next() % 3)]
            item.snr = quantized(uniform(options.snr), 100)
        } else {
            item.noise = .floor
            item.snr = quantized(uniform(options.floorSNR), 100)
        }
        item.lead = quantized(uniform(options.silence), 1000)
        item.trail = quantized(uniform(options.silence), 1000)
        item.seed = random.next()
        return item
    }

    /// Recorded voices take `recordedShare` of the clips when the split has any. Within a group a
    /// family is dealt first, then one of its members, so that espeak's eight robosoft variants
    /// together get no more clips than one m3.
    mutating func dealSpeaker(_ part: Split) -> String {
        let speakers = self.speakers
        let ids = split.speakers(in: part)
        let recorded = ids.filter { speakers[$0]!.recorded }
        let synthetic = ids.filter { !speakers[$0]!.recorded }
        let useRecorded = !recorded.isEmpty && (synthetic.isEmpty || random.nextUnitDouble() < options.recordedShare)
        let group = useRecorded ? recorded : synthetic
        let family = deal(from: "\(part.rawValue)/\(useRecorded)") { Array(Set(group.map { speakers[$0]!.family })).sorted() }
        return deal(from: "\(part.rawValue)/\(family)") { group.filter { speakers[$0]!.family == family } }
    }

    /// With the random timbres' share, one of them for an espeak training clip, dealt so that all
    /// speak about equally; from `substitution` only, so that the main stream's draws stay the same.
    mutating func dealRandomTimbre() -> String? {
        guard !randomTimbres.isEmpty, substitution.nextUnitDouble() < options.randomTimbreShare else { return nil }
        if randomTimbreDeck.isEmpty {
            randomTimbreDeck = randomTimbres
            randomTimbreDeck.shuffle(using: &substitution)
        }
        return randomTimbreDeck.removeLast()
    }

    /// The next card of a named deck, reshuffled from `cards()` whenever it runs out.
    mutating func deal(from deck: String, _ cards: () -> [String]) -> String {
        if decks[deck, default: []].isEmpty {
            var fresh = cards()
            fresh.shuffle(using: &random)
            decks[deck] = fresh
        }
        return decks[deck]!.removeLast()
    }

    /// Digit strings (40%), command sequences (30%) and mixtures of any vocabulary words (30%); a kind
    /// the vocabulary cannot make (no digits, or no other words) falls back to mixtures.
    mutating func sentenceText() -> String {
        let choice = random.nextUnitDouble()
        let digits = options.digits, commands = options.commands
        if choice < 0.4, !digits.isEmpty {
            return draw(from: digits, count: options.digitStringLength, allowRepeats: true)
        } else if choice < 0.7, commands.count >= 2 {
            return draw(from: commands, count: options.commandSequenceLength, allowRepeats: false)
        }
        return draw(from: options.words, count: options.commandSequenceLength, allowRepeats: options.words.count < 2)
    }

    /// `count` words; without repeats, no word follows itself (a stutter no one says).
    mutating func draw(from pool: [String], count: ClosedRange<Int>, allowRepeats: Bool) -> String {
        let n = count.lowerBound + Int(random.next() % UInt64(count.count))
        var words = [String]()
        while words.count < n {
            let word = pool[Int(random.next() % UInt64(pool.count))]
            if !allowRepeats && word == words.last { continue }
            words.append(word)
        }
        return words.joined(separator: " ")
    }

    /// White, pink and brown recordings, then babble: filler-word utterances by training speakers,
    /// about six talking at once.
    mutating func noiseItems() -> [PlanItem] {
        let seconds = options.noiseSeconds
        var items = [NoiseKind.white, .pink, .brown].map { kind in
            PlanItem(part: .noise, split: .train, path: "words/_background_noise_/\(kind.rawValue)_noise.wav",
                     level: quantized(-6 - 6 * random.nextUnitDouble(), 100), noise: kind, seed: random.next(), offset: seconds)
        }
        let utterances = Int((seconds * 4).rounded())
        for _ in 0..<utterances {
            var item = clip(.babble, .train, transcript: fillerText(), folder: "babble")
            item.path = "words/_background_noise_/babble.wav"
            item.noise = .floor  // unused: babble utterances are mixed clean, the sum is the noise
            item.snr = 0
            item.lead = 0
            item.trail = 0
            item.level = quantized(-26 + 12 * random.nextUnitDouble(), 100)
            item.offset = quantized(random.nextUnitDouble() * max(0, seconds - 1), 1000)
            items.append(item)
        }
        return items
    }

    /// Babble is made of everyday words outside the core vocabulary, so that the noise never says
    /// a keyword.
    mutating func fillerText() -> String {
        draw(from: Self.fillers.filter { !options.words.contains($0) }, count: 3...6, allowRepeats: false)
    }

    static let fillers = [
        "morning", "water", "people", "little", "house", "table", "because", "window", "coffee", "paper",
        "really", "maybe", "today", "weather", "garden", "market", "between", "children", "question", "answer",
        "always", "never", "without", "under", "about", "every", "other", "kitchen", "yellow", "purple",
        "music", "pretty", "travel", "number", "second", "minute", "certain", "simple", "butter", "dinner",
    ]

    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        scaled(random.nextUnitDouble(), range)
    }

    /// A unit draw (0..<1) placed in `range`.
    func scaled(_ unit: Double, _ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit
    }
}

/// Rounds to 1/`scale` so that the value written to plan.tsv reads back identical.
func quantized(_ x: Double, _ scale: Double) -> Double { (x * scale).rounded() / scale }
