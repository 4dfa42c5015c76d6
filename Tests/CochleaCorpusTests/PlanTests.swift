@testable import CochleaCorpus
import XCTest

/// A plan small enough to make in milliseconds, with every part present.
func smallOptions(seed: UInt64 = 7) -> CorpusOptions {
    var options = CorpusOptions()
    options.seed = seed
    options.trainClipsPerWord = 12
    options.heldOutClipsPerWord = 3
    options.trainSentences = 40
    options.heldOutSentences = 10
    options.noiseSeconds = 5
    return options
}

final class PlanTests: XCTestCase {
    let speakers = VoiceCatalogue.speakers()

    func testSameSeedGivesTheSamePlanAndAnotherSeedADifferentOne() throws {
        let a = try CorpusPlan(options: smallOptions(seed: 7), speakers: speakers)
        let b = try CorpusPlan(options: smallOptions(seed: 7), speakers: speakers)
        let c = try CorpusPlan(options: smallOptions(seed: 8), speakers: speakers)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.items.map(\.speaker), c.items.map(\.speaker))
        XCTAssertNotEqual(a.speakerSplits, c.speakerSplits, "the voice split should depend on the seed")
        XCTAssertNotEqual(a.items.map(\.seed), c.items.map(\.seed))
    }

    func testSplitsAreDisjointByWholeFamilyAndCoverEveryWord() throws {
        let families = Dictionary(uniqueKeysWithValues: speakers.map { ($0.id, $0.family) })
        for seed: UInt64 in [1, 2, 3, 42, 1000] {
            let plan = try CorpusPlan(options: smallOptions(seed: seed), speakers: speakers)
            var splitOf = [String: Split]()
            var familySplit = [String: Split]()
            for item in plan.items where !item.speaker.isEmpty {
                XCTAssertEqual(splitOf.updateValue(item.split, forKey: item.speaker) ?? item.split, item.split,
                               "seed \(seed): speaker \(item.speaker) in two splits")
                let family = families[item.speaker]!
                XCTAssertEqual(familySplit.updateValue(item.split, forKey: family) ?? item.split, item.split,
                               "seed \(seed): family \(family) in two splits")
            }
            for split in Split.allCases {
                let words = Set(plan.items.filter { $0.part == .word && $0.split == split }.map(\.transcript))
                XCTAssertEqual(words, Set(CorpusOptions.coreWords), "seed \(seed): words of \(split)")
                let recorded = Set(plan.items.filter { $0.split == split && ["kal", "ked", "rms", "awb", "slt"].contains($0.speaker) }.map(\.speaker))
                switch split {
                case .train: XCTAssertEqual(recorded.count, 4, "seed \(seed): all recorded voices but the test's train")
                case .validation: XCTAssertEqual(recorded, [], "seed \(seed): validation has no recorded voice by default")
                case .test: XCTAssertEqual(recorded.count, 1, "seed \(seed): one recorded voice is held out for test")
                }
                let female = Set(plan.items.filter { $0.split == split && $0.part == .word }.map(\.speaker))
                    .filter { id in speakers.first { $0.id == id }!.gender == .female }
                XCTAssertFalse(female.isEmpty, "seed \(seed): \(split) should hold a female voice")
            }
            XCTAssertEqual(splitOf["slt"], .train, "seed \(seed): the only real woman's voice trains")
        }
    }

    func testARecordedVoiceIsHeldOutForValidationWhenAsked() throws {
        var options = smallOptions(seed: 3)
        options.recordedValidation = true
        let plan = try CorpusPlan(options: options, speakers: speakers)
        let recorded = ["kal", "ked", "rms", "awb", "slt"]
        let held = Split.allCases.map { split in Set(plan.items.filter { $0.split == split && recorded.contains($0.speaker) }.map(\.speaker)).count }
        XCTAssertEqual(held, [3, 1, 1], "train, validation, test")
    }

    func testCountsPathsAndTexts() throws {
        let options = smallOptions()
        let plan = try CorpusPlan(options: options, speakers: speakers)
        let words = plan.items.filter { $0.part == .word }
        XCTAssertEqual(words.count, 20 * (12 + 3 + 3))
        XCTAssertEqual(plan.items.filter { $0.part == .sentence }.count, 40 + 10 + 10)
        XCTAssertEqual(plan.items.filter { $0.part == .noise }.map(\.path).sorted(), [
            "words/_background_noise_/brown_noise.wav", "words/_background_noise_/pink_noise.wav",
            "words/_background_noise_/white_noise.wav",
        ])
        XCTAssertEqual(plan.items.filter { $0.part == .babble }.count, 20)
        let files = plan.items.filter { $0.part == .word || $0.part == .sentence }.map(\.path)
        XCTAssertEqual(Set(files).count, files.count, "file names must be unique")
        for item in words {
            XCTAssertEqual(item.path, "words/\(item.transcript)/\(item.speaker)_nohash_\(item.path.split(separator: "_").last!)")
            XCTAssertTrue(item.path.hasSuffix(".wav"))
        }
        let vocabulary = Set(options.words)
        for item in plan.items where item.part == .sentence {
            let tokens = item.transcript.split(separator: " ").map(String.init)
            XCTAssertTrue((2...6).contains(tokens.count), item.transcript)
            XCTAssertTrue(tokens.allSatisfy(vocabulary.contains), item.transcript)
            XCTAssertTrue(item.path.hasPrefix("sentences/\(item.split.rawValue)/"))
        }
        for item in plan.items where item.part == .babble {
            XCTAssertTrue(item.transcript.split(separator: " ").allSatisfy { !vocabulary.contains(String($0)) },
                          "babble must not say a keyword: \(item.transcript)")
            XCTAssertEqual(item.split, .train)
        }
        var raised = 0
        for item in plan.items where item.engine != nil && item.part != .babble {
            if options.raisedVoiceFactors.contains(item.speed) && !options.speedFactors.contains(item.speed) {
                // A raised recorded voice: its tempo undoes the speed change, its pitch goes up.
                raised += 1
                XCTAssertNotEqual(item.engine, .espeak)
                XCTAssertEqual(item.split, .train, "held-out voices are never raised")
                XCTAssertEqual(item.tempo * item.speed, 1, accuracy: 0.15)
                XCTAssertTrue(options.raisedPitchCents.contains(Double(item.cents)))
            } else {
                XCTAssertTrue(options.speedFactors.contains(item.speed))
                XCTAssertTrue(options.tempo.contains(item.tempo))
            }
            XCTAssertTrue(options.peakLevel.contains(item.level))
            XCTAssertTrue(item.noise == .floor ? options.floorSNR.contains(item.snr) : options.snr.contains(item.snr) || item.part == .babble)
        }
        XCTAssertGreaterThan(raised, 0, "some recorded-voice clips are raised towards shorter vocal tracts")
    }

    func testFamiliesShareClipsEvenly() throws {
        var options = smallOptions()
        options.trainClipsPerWord = 100
        let plan = try CorpusPlan(options: options, speakers: speakers)
        let families = Dictionary(uniqueKeysWithValues: speakers.map { ($0.id, $0.family) })
        var clips = [String: Int]()
        for item in plan.items where item.part == .word && item.split == .train && item.speaker.hasPrefix("espeak") {
            clips[families[item.speaker]!, default: 0] += 1
        }
        let counts = clips.values.sorted()
        XCTAssertLessThanOrEqual(counts.last!, counts.first! + 2, "espeak families in training get equal shares: \(clips)")
        XCTAssertGreaterThan(counts.count, 30)
    }

    func testOwnWordsAndEngineSubsets() throws {
        var options = smallOptions()
        options.words = ["lights", "music", "pause", "three"]
        options.engines = [.flite]
        let speakers = VoiceCatalogue.speakers(engines: options.engines)
        XCTAssertEqual(speakers.map(\.id), ["awb", "kal", "rms", "slt"])
        let plan = try CorpusPlan(options: options, speakers: speakers)
        XCTAssertTrue(plan.items.allSatisfy { $0.engine == nil || $0.engine == .flite })
        XCTAssertEqual(Set(plan.items.filter { $0.part == .word }.map(\.transcript)), Set(options.words))
        XCTAssertEqual(Set(plan.speakerSplits.values), Set(Split.allCases))
    }

    func testBadOptionsAreRejectedWithTheReason() {
        var options = smallOptions()
        for (word, fragment) in [("Yes", "lowercase"), ("_noise", "lowercase"), ("-go", "start with"), ("", "empty"), ("a b", "lowercase")] {
            options.words = [word]
            XCTAssertThrowsError(try options.validate(), word) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
                XCTAssertTrue("\(error)".contains("\"\(word)\""), "\(error)")
            }
        }
        options.words = ["go", "go"]
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("listed twice")) }
        options = smallOptions()
        options.trainClipsPerWord = -1
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("--train-clips-per-word")) }
        options = smallOptions()
        options.loweredVoiceShare = 0.6
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("--lowered-voices must be 0 to 0.5")) }
    }

    func testLoweredVoicesChangeOnlyTheTrainingPitchOfRecordedVoices() throws {
        var without = smallOptions(seed: 5)
        without.loweredVoiceShare = 0
        let before = try CorpusPlan(options: without, speakers: speakers).items
        var options = smallOptions(seed: 5)
        options.loweredVoiceShare = 0.25
        let after = try CorpusPlan(options: options, speakers: speakers).items
        XCTAssertEqual(before.count, after.count)
        var lowered = 0
        for (old, new) in zip(before, after) {
            var unpitched = new
            unpitched.cents = old.cents
            XCTAssertEqual(old, unpitched, "only the pitch of a clip may change")
            guard old.cents != new.cents else { continue }
            lowered += 1
            XCTAssertEqual(new.split, .train, "held-out voices sound as they are")
            XCTAssertNotEqual(new.engine, .espeak)
            XCTAssertTrue(options.loweredPitchCents.contains(Double(new.cents)), "\(new.cents)")
            XCTAssertTrue(options.pitchShiftCents.contains(Double(old.cents)))
        }
        let candidates = after.filter { $0.split == .train && ($0.engine == .flite || $0.engine == .festival) }.count
        XCTAssertEqual(Double(lowered) / Double(candidates), options.loweredVoiceShare, accuracy: 0.1,
                       "\(lowered) of \(candidates) recorded-voice training clips lowered")
    }

    func testCatalogueLeavesOutTheHardVariantsAndHasStableIds() {
        let ids = speakers.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertEqual(speakers.filter(\.recorded).count, 5)
        XCTAssertEqual(speakers.filter { !$0.recorded }.count, 87, "101 variants less 15 left out, plus the accents' own voice")
        for gone in ["espeak-alicia", "espeak-kaukovalta", "espeak-tweaky", "espeak-demonic", "espeak-fast"] {
            XCTAssertFalse(ids.contains(gone), gone)
        }
        XCTAssertTrue(ids.contains("espeak-mr-serious") && ids.contains("espeak-base") && ids.contains("espeak-m3"))
        XCTAssertTrue(ids.allSatisfy { !$0.contains("_") && $0 == $0.lowercased() })
        XCTAssertEqual(VoiceCatalogue.family(of: "espeak-robosoft7"), "espeak-robosoft")
        XCTAssertEqual(VoiceCatalogue.family(of: "espeak-m7"), "espeak-m7")
    }
}

final class PlanFileTests: XCTestCase {
    func testPlanRoundTripsThroughTheFile() throws {
        let plan = try CorpusPlan(options: smallOptions(), speakers: VoiceCatalogue.speakers())
        let folder = NSTemporaryDirectory() + "cochlea-plan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try PlanFile.write(plan, to: folder + "/plan.tsv")
        let back = try PlanFile.read(folder + "/plan.tsv")
        XCTAssertEqual(back.items.count, plan.items.count)
        for (a, b) in zip(back.items, plan.items) where a != b { XCTFail("read back \(a), wrote \(b)"); break }
        XCTAssertEqual(back, plan)
        XCTAssertEqual(PlanFile.encode(back), PlanFile.encode(plan))
    }

    func testMalformedPlansNameTheLine() throws {
        let plan = try CorpusPlan(options: smallOptions(), speakers: VoiceCatalogue.speakers())
        var lines = PlanFile.encode(plan).split(separator: "\n").map(String.init)
        lines[3] = "speech" + lines[3].dropFirst("word".count)
        XCTAssertThrowsError(try PlanFile.decode(lines.joined(separator: "\n"), path: "p.tsv")) { error in
            XCTAssertEqual("\(error)", "p.tsv:4: part \"speech\" is not valid")
        }
        XCTAssertThrowsError(try PlanFile.decode("path\ttranscript\n", path: "p.tsv")) { error in
            XCTAssertTrue("\(error)".hasPrefix("p.tsv:1: header must be"), "\(error)")
        }
        XCTAssertThrowsError(try PlanFile.decode(lines[0] + "\nword\ttrain\n", path: "p.tsv")) { error in
            XCTAssertEqual("\(error)", "p.tsv:2: 2 fields, expected 20")
        }
    }
}
