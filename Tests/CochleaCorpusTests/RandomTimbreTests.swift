import CochleaAudio
@testable import CochleaCorpus
import CochleaTestSupport
import Foundation
import XCTest

/// espeak timbres of our own: fixed variant files that speak a share of espeak's training clips.
final class RandomTimbreTests: XCTestCase {
    let speakers = VoiceCatalogue.speakers()

    /// `formant N frequency height width` lines of a definition, as numbers.
    func formants(_ text: String) -> [[Int]] {
        text.split(separator: "\n").filter { $0.hasPrefix("formant ") }.map { $0.split(separator: " ").dropFirst().map { Int($0)! } }
    }

    func testEachTimbreIsAFixedVoiceOfItsOwnWithinEspeaksRanges() {
        XCTAssertEqual(RandomTimbres.definition(17).text, RandomTimbres.definition(17).text)
        let all = (0..<RandomTimbres.maximumCount).map(RandomTimbres.definition)
        XCTAssertEqual(Set(all.map(\.text)).count, all.count, "every timbre differs")
        let women = all.filter { $0.gender == .female }.count
        XCTAssertTrue((70...130).contains(women), "about half are women's voices: \(women)")
        for (number, (gender, text)) in all.enumerated() {
            XCTAssertTrue(text.hasPrefix("language variant\nname \(RandomTimbres.variantName(number))\ngender \(gender.rawValue)\n"), text)
            let lines = formants(text)
            XCTAssertEqual(lines.map { $0[0] }, Array(0..<9))
            // Formants ×0.86–1.06 (men) or ×1.02–1.22 (women), each of formants 1–5 ±10% more.
            let range = gender == .female ? 91...135 : 77...117
            for line in lines { XCTAssertTrue(range.contains(line[1]), "\(gender) formant \(line): \(text)") }
            let pitch = text.split(separator: "\n").first { $0.hasPrefix("pitch ") }!.split(separator: " ").dropFirst().map { Int($0)! }
            XCTAssertTrue(gender == .female ? (140...230).contains(pitch[0]) : (65...125).contains(pitch[0]), "\(pitch)")
            XCTAssertGreaterThan(pitch[1], pitch[0])
        }
        XCTAssertEqual(RandomTimbres.variantName(7), "random007")
        XCTAssertTrue(RandomTimbres.isRandom(espeakVoice: "en-gb-x-rp+random007"))
        XCTAssertFalse(RandomTimbres.isRandom(espeakVoice: "en-us+robosoft3"))
        XCTAssertFalse(RandomTimbres.isRandom(espeakVoice: "en-us"))
    }

    func testRandomTimbresTakeTheirShareOfEspeaksTrainingClipsAndNothingElseChanges() throws {
        var options = smallOptions()
        options.trainClipsPerWord = 30
        options.trainSentences = 200
        options.espeakAccentedClipsPerWord = 1
        let before = try CorpusPlan(options: options, speakers: speakers, accented: VoiceCatalogue.accentedSpeakers)
        options.randomTimbres = 40
        options.randomTimbreShare = 0.6
        let plan = try CorpusPlan(options: options, speakers: speakers, accented: VoiceCatalogue.accentedSpeakers)
        XCTAssertEqual(plan.items.count, before.items.count, "the same clips, some by other voices")
        var taken = 0, espeakTraining = 0
        for (old, new) in zip(before.items, plan.items) {
            let speechTraining = old.split == .train && old.engine == .espeak && old.part != .babble && !old.speaker.hasSuffix("-accented")
            if speechTraining { espeakTraining += 1 }
            guard new.speaker != old.speaker else {
                var renumbered = new
                renumbered.path = old.path  // <speaker>_nohash_<n>: fewer clips of a speaker, other n
                XCTAssertEqual(renumbered, old)
                continue
            }
            taken += 1
            XCTAssertTrue(speechTraining, "only espeak's training clips change voice: \(old.path)")
            XCTAssertTrue(RandomTimbres.isRandom(espeakVoice: new.voice), new.voice)
            XCTAssertEqual(new.speaker, "espeak-" + new.voice.split(separator: "+")[1])
            XCTAssertEqual(String(new.voice.split(separator: "+")[0]), String(old.voice.split(separator: "+")[0]), "the accent drawn stays")
            var same = new
            same.speaker = old.speaker
            same.voice = old.voice
            same.path = old.path
            XCTAssertEqual(same, old, "every other parameter stays")
        }
        XCTAssertEqual(Double(taken) / Double(espeakTraining), 0.6, accuracy: 0.05)
        let timbres = Set(plan.items.filter { RandomTimbres.isRandom(espeakVoice: $0.voice) }.map(\.speaker))
        XCTAssertEqual(timbres.count, 40, "every timbre speaks")
        XCTAssertEqual(plan.speakerSplits.filter { timbres.contains($0.key) }.values.allSatisfy { $0 == .train }, true)
        let files = plan.items.filter { $0.part == .word || $0.part == .sentence }.map(\.path)
        XCTAssertEqual(Set(files).count, files.count, "file names stay unique")
        XCTAssertEqual(try CorpusPlan(options: options, speakers: speakers, accented: VoiceCatalogue.accentedSpeakers), plan, "repeatable")
    }

    func testRandomTimbresSayClipsOfTheirOwnLastAndEveryWord() throws {
        var options = smallOptions()
        options.words = ["yes", "seven", "lights"]
        options.espeakAccentedClipsPerWord = 1
        let before = try CorpusPlan(options: options, speakers: speakers, accented: VoiceCatalogue.accentedSpeakers)
        options.randomTimbres = 30
        options.randomTimbreClipsPerWord = 20
        options.randomTimbreSentences = 25
        let plan = try CorpusPlan(options: options, speakers: speakers, accented: VoiceCatalogue.accentedSpeakers)
        XCTAssertEqual(Array(plan.items.prefix(before.items.count)), before.items, "the rest of the plan stays as it was")
        let added = plan.items.dropFirst(before.items.count)
        XCTAssertEqual(added.count, 3 * 20 + 25)
        XCTAssertEqual(added.filter { $0.transcript == "lights" }.count, 20, "words no accent can say are said too")
        for item in added {
            XCTAssertEqual(item.split, .train)
            XCTAssertTrue(RandomTimbres.isRandom(espeakVoice: item.voice), item.voice)
            XCTAssertTrue(VoiceCatalogue.espeakAccents.contains(String(item.voice.split(separator: "+")[0])), "English: \(item.voice)")
        }
        XCTAssertEqual(Set(added.map(\.speaker)).count, 30, "every timbre speaks")
        let files = plan.items.filter { $0.part == .word || $0.part == .sentence }.map(\.path)
        XCTAssertEqual(Set(files).count, files.count, "file names stay unique")
    }

    func testImpossibleValuesAreRefusedNamingTheOption() {
        var options = smallOptions()
        options.randomTimbres = 201
        options.randomTimbreShare = 0.5
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("--random-timbres must be 0 to 200"), "\($0)") }
        options.randomTimbres = 0
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("--random-timbres goes with"), "\($0)") }
        options.randomTimbres = 5
        options.randomTimbreSentences = -1
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("--random-timbre-sentences must be 0 or more"), "\($0)") }
        options.randomTimbreSentences = 0
        options.randomTimbreShare = 1.5
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("--random-timbre-share must be 0 to 1, got 1.5"), "\($0)") }
        options.randomTimbreShare = 0.5
        options.engines = [.flite, .festival]
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("--engines must include espeak"), "\($0)") }
    }

    /// Two random timbres and one of espeak's own variants, through espeak-ng and sox: all speak,
    /// and the two timbres sound different given the same text and settings.
    func testRandomTimbresMakeAudioOfTheirOwn() throws {
        try GenerationTests.requireSynthesisers()
        let folder = TemporaryDirectory()
        let items = ["en-us+random000", "en-us+random001", "en-us+m3"].enumerated().map { k, voice in
            PlanItem(part: .word, split: .train, path: "words/down/espeak-\(voice.split(separator: "+")[1])_nohash_0.wav",
                     transcript: "down", speaker: "espeak-\(voice.split(separator: "+")[1])", engine: .espeak, voice: voice,
                     rate: 150, pitch: 50, snr: 50, lead: 0.1, trail: 0.1, seed: 9)
        }
        let report = try CorpusGenerator(plan: CorpusPlan(items: items), root: folder.path, threads: 2).generate()
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.written, items.count)
        let audio = try items.map { try AudioDecoder.decode(path: folder.file($0.path), sampleRate: nil).samples }
        for (item, samples) in zip(items, audio) {
            XCTAssertGreaterThan(samples.filter { abs($0) > 0.1 }.count, 400, "\(item.path): too little speech")
        }
        XCTAssertNotEqual(audio[0], audio[1])
        XCTAssertNotEqual(audio[0], audio[2])
    }

    func testCommandLinePlansThemAndListsThemInVoicesTable() throws {
        let folder = TemporaryDirectory()
        let run = try CLI.run(["corpus", "--out", folder.path, "--plan-only", "--train-clips-per-word", "2",
                               "--random-timbres", "4", "--random-timbre-share", "0.5"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let plan = try PlanFile.read(folder.path + "/plan.tsv")
        XCTAssertFalse(plan.items.filter { RandomTimbres.isRandom(espeakVoice: $0.voice) }.isEmpty)
        let voices = try String(contentsOfFile: folder.path + "/voices.tsv", encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("espeak-random") }
        XCTAssertEqual(voices.count, 4)
        XCTAssertTrue(voices.allSatisfy { $0.contains("\ttrain\t") && $0.contains("\tno\tespeak-random") && $0.hasSuffix("\tenglish") }, "\(voices)")

        let tooMany = try CLI.run(["corpus", "--out", folder.path + "/t", "--plan-only", "--random-timbres", "300"])
        XCTAssertNotEqual(tooMany.status, 0)
        XCTAssertTrue(tooMany.stderr.contains("--random-timbres must be 0 to 200"), tooMany.stderr)
    }
}
