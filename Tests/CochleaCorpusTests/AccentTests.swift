import CochleaAudio
@testable import CochleaCorpus
import CochleaTestSupport
import Foundation
import XCTest

/// The accented voices: festival's Czech, Italian, Finnish and Catalan speakers saying respelled
/// core words, in training only.
final class AccentTests: XCTestCase {
    let speakers = VoiceCatalogue.speakers()
    let accented = VoiceCatalogue.accentedSpeakers

    func testEveryAccentRespellsTheCoreWordsAndNothingElse() {
        for accent in Accent.allCases {
            for word in CorpusOptions.coreWords {
                let spelling = accent.respell(word)
                XCTAssertNotNil(spelling, "\(accent) \(word)")
                XCTAssertTrue(spelling!.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }, "\(accent) \(word): \(spelling!)")
            }
            XCTAssertNil(accent.respell("lights"), "\(accent)")
            XCTAssertNil(accent.respell("yes lights"), "\(accent): a sentence with one unknown word cannot be said")
        }
        XCTAssertEqual(Accent.czech.respell("yes right go"), "jes rajt gou")
        XCTAssertEqual(Accent.finnish.respell("three two"), "trii tuu")
        XCTAssertTrue(Accent.everyAccentSays("nine"))
        XCTAssertFalse(Accent.everyAccentSays("lights"))
    }

    func testAccentedSpeakersAreRealPeopleOfBothGendersWithKnownPackages() {
        XCTAssertEqual(accented.count, 9)
        XCTAssertEqual(Set(accented.compactMap(\.accent)), Set(Accent.allCases))
        XCTAssertEqual(accented.filter { $0.gender == .female }.count, 4)
        XCTAssertTrue(Set(accented.map(\.id)).isDisjoint(with: speakers.map(\.id)))
        for speaker in accented {
            XCTAssertTrue(speaker.recorded)
            XCTAssertEqual(speaker.renderers.map(\.engine), [.festival])
            let voice = speaker.renderers[0].voice!
            XCTAssertNotNil(VoiceCatalogue.festivalPackages[voice], voice)
            XCTAssertTrue(VoiceCatalogue.installCommand.contains(VoiceCatalogue.festivalPackages[voice]!))
            XCTAssertEqual(Accent.of(festivalVoice: voice), speaker.accent)
        }
        XCTAssertNil(Accent.of(festivalVoice: "kal_diphone"))
        XCTAssertEqual(VoiceCatalogue.accentedSpeakers(engines: [.espeak, .flite]), [])
    }

    func testAccentedClipsComeLastAndLeaveTheRestOfThePlanAsItWas() throws {
        var options = smallOptions()
        options.accentedClipsPerWord = 4
        options.accentedSentences = 30
        let plain = try CorpusPlan(options: options, speakers: speakers)
        let plan = try CorpusPlan(options: options, speakers: speakers, accented: accented)
        XCTAssertEqual(Array(plan.items.prefix(plain.items.count)), plain.items)
        let added = plan.items.dropFirst(plain.items.count)
        XCTAssertEqual(added.count, 20 * 4 + 30)
        XCTAssertEqual(added.filter { $0.part == .word }.count, 20 * 4)
        XCTAssertTrue(added.allSatisfy { $0.split == .train && $0.engine == .festival })
        let ids = Set(accented.map(\.id))
        XCTAssertEqual(Set(added.map(\.speaker)), ids, "every accented voice speaks")
        XCTAssertFalse(plan.items.prefix(plain.items.count).contains { ids.contains($0.speaker) })
        let files = plan.items.filter { $0.part == .word || $0.part == .sentence }.map(\.path)
        XCTAssertEqual(Set(files).count, files.count, "file names stay unique")
        for item in added where item.part == .word {
            XCTAssertTrue(item.path.hasPrefix("words/\(item.transcript)/\(item.speaker)_nohash_"), item.path)
        }
        for item in added where item.part == .sentence {
            XCTAssertTrue(item.path.hasPrefix("sentences/train/"), item.path)
            XCTAssertTrue((2...6).contains(item.transcript.split(separator: " ").count), item.transcript)
        }
        options.accentedClipsPerWord = 0
        options.accentedSentences = 0
        XCTAssertEqual(try CorpusPlan(options: options, speakers: speakers, accented: accented), plain)
        options.accentedSentences = -1
        XCTAssertThrowsError(try CorpusPlan(options: options, speakers: speakers, accented: accented)) {
            XCTAssertTrue("\($0)".contains("--accented-sentences"), "\($0)")
        }
    }

    func testOwnWordsGetAccentedClipsOnlyForWordsEveryAccentCanSay() throws {
        var options = smallOptions()
        options.words = ["lights", "music", "three", "stop"]
        options.accentedClipsPerWord = 2
        options.accentedSentences = 10
        let plain = try CorpusPlan(options: options, speakers: speakers)
        let added = try CorpusPlan(options: options, speakers: speakers, accented: accented).items.dropFirst(plain.items.count)
        XCTAssertEqual(Set(added.filter { $0.part == .word }.map(\.transcript)), ["three", "stop"])
        XCTAssertEqual(added.filter { $0.part == .word }.count, 2 * 2)
        for item in added {
            XCTAssertTrue(item.transcript.split(separator: " ").allSatisfy { $0 == "three" || $0 == "stop" }, item.transcript)
        }
        options.words = ["lights", "music"]
        XCTAssertEqual(try CorpusPlan(options: options, speakers: speakers, accented: accented).items.count,
                       try CorpusPlan(options: options, speakers: speakers).items.count, "no word to say: no accented clip")
    }

    func testFestivalIsGivenTheRespellingAndTheTranscriptStaysEnglish() {
        let czech = PlanItem(part: .sentence, split: .train, path: "sentences/train/cs-krb_nohash_0.wav", transcript: "yes five",
                             speaker: "cs-krb", engine: .festival, voice: "czech_krb", stretch: 1.1)
        var kal = czech
        kal.voice = "kal_diphone"
        let script = Synthesiser.festivalScript([(czech, "/tmp/a.wav"), (kal, "/tmp/b.wav")])
        XCTAssertTrue(script.contains("(voice_czech_krb)\n(Parameter.set 'Duration_Stretch 1.1)\n(utt.save.wave (SynthText \"jes fajv\") \"/tmp/a.wav\" 'riff)"), script)
        XCTAssertTrue(script.contains("(SynthText \"yes five\") \"/tmp/b.wav\""), script)
    }

    /// One clip per accented voice, through festival and sox (about 2 s).
    func testEveryAccentedVoiceMakesAudio() throws {
        try GenerationTests.requireSynthesisers()
        let folder = TemporaryDirectory()
        let items = accented.enumerated().map { k, speaker in
            PlanItem(part: .word, split: .train, path: "words/seven/\(speaker.id)_nohash_0.wav", transcript: "seven",
                     speaker: speaker.id, engine: .festival, voice: speaker.renderers[0].voice!, snr: 50, lead: 0.1, trail: 0.1,
                     seed: UInt64(k + 1))
        }
        let report: GenerationReport
        do {
            report = try CorpusGenerator(plan: CorpusPlan(items: items), root: folder.path, threads: 2).generate()
        } catch CorpusError.missingFestivalVoice(let voice, let package) {
            throw XCTSkip("festival voice \(voice) is not installed (\(package))")
        }
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.written, accented.count)
        for item in items {
            let samples = try AudioDecoder.decode(path: folder.file(item.path), sampleRate: nil).samples
            XCTAssertEqual(samples.count, PlanItem.wordSamples, item.path)
            // The speech, not the noise floor 50 dB under it, sets the peak of −3 dBFS.
            let loud = samples.filter { abs($0) > 0.1 }.count
            XCTAssertGreaterThan(loud, 400, "\(item.path): too little speech")
        }
    }

    func testEspeakTimbresSpeakTheAccentsInTrainingOnlyAfterEverythingElse() throws {
        var options = smallOptions()
        options.accentedClipsPerWord = 2
        options.accentedSentences = 5
        let before = try CorpusPlan(options: options, speakers: speakers, accented: accented)
        options.espeakAccentedClipsPerWord = 3
        options.espeakAccentedSentences = 40
        let plan = try CorpusPlan(options: options, speakers: speakers, accented: accented)
        XCTAssertEqual(Array(plan.items.prefix(before.items.count)), before.items, "the rest of the plan stays as it was")
        let added = plan.items.dropFirst(before.items.count)
        XCTAssertEqual(added.count, 20 * 3 + 40)
        let splits = before.speakerSplits
        for item in added {
            XCTAssertEqual(item.split, .train)
            XCTAssertEqual(item.engine, .espeak)
            XCTAssertTrue(item.speaker.hasSuffix("-accented"), item.speaker)
            XCTAssertEqual(splits[String(item.speaker.dropLast("-accented".count))], .train, "\(item.speaker): a held-out timbre")
            XCTAssertNotNil(Accent.of(espeakVoice: item.voice), item.voice)
            let timbre = speakers.first { $0.id + "-accented" == item.speaker }!.renderers[0].voice.map { "+" + $0 } ?? ""
            XCTAssertEqual(item.voice, Accent.of(espeakVoice: item.voice)!.espeakLanguage + timbre, "\(item.speaker)'s timbre")
        }
        XCTAssertEqual(Set(added.compactMap { Accent.of(espeakVoice: $0.voice) }), Set(Accent.allCases))
        let files = plan.items.filter { $0.part == .word || $0.part == .sentence }.map(\.path)
        XCTAssertEqual(Set(files).count, files.count, "file names stay unique")
        options.espeakAccentedSentences = -2
        XCTAssertThrowsError(try CorpusPlan(options: options, speakers: speakers, accented: accented)) {
            XCTAssertTrue("\($0)".contains("--espeak-accented-sentences"), "\($0)")
        }
    }

    func testEspeakIsGivenTheRespellingOfItsLanguage() {
        var item = PlanItem(part: .word, split: .train, path: "words/five/espeak-m3-accented_nohash_0.wav", transcript: "yes five",
                            speaker: "espeak-m3-accented", engine: .espeak, voice: "it+m3")
        XCTAssertEqual(Synthesiser.spokenText(item), "ies faiv")
        item.voice = "cs"
        XCTAssertEqual(Synthesiser.spokenText(item), "jes fajv")
        item.voice = "en-us+m3"
        XCTAssertEqual(Synthesiser.spokenText(item), "yes five")
        XCTAssertNil(Accent.of(espeakVoice: "en-gb-x-rp+f2"))
        XCTAssertEqual(Accent.of(espeakVoice: "fi+klatt2"), .finnish)
    }

    /// One clip in each accent's language through espeak-ng and sox.
    func testEveryEspeakAccentMakesAudio() throws {
        try GenerationTests.requireSynthesisers()
        let folder = TemporaryDirectory()
        let items = Accent.allCases.enumerated().map { k, accent in
            PlanItem(part: .word, split: .train, path: "words/down/espeak-m3-accented_nohash_\(k).wav", transcript: "down",
                     speaker: "espeak-m3-accented", engine: .espeak, voice: accent.espeakLanguage + "+m3", rate: 150, pitch: 50,
                     snr: 50, lead: 0.1, trail: 0.1, seed: UInt64(k + 1))
        }
        let report = try CorpusGenerator(plan: CorpusPlan(items: items), root: folder.path, threads: 2).generate()
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.written, items.count)
        for item in items {
            let samples = try AudioDecoder.decode(path: folder.file(item.path), sampleRate: nil).samples
            XCTAssertGreaterThan(samples.filter { abs($0) > 0.1 }.count, 400, "\(item.path): too little speech")
        }
    }
}
