import CochleaCore
import Foundation

/// espeak timbres of our own: variant files (espeak-ng's voice syntax) drawn at random, each a fixed
/// function of its number, so that timbre 17 sounds the same in every corpus. espeak's 87 shipped
/// variants are few next to the people a model will hear; every variant is a different vocal tract
/// (formant frequencies, heights and widths), voice source (pitch, breath, roughness, flutter,
/// voicing) and articulation strength. They only train, like the accented voices.
///
/// espeak-ng reads variants from its data folder only, so `prepareDataFolder` makes a folder that
/// links to the installed data and adds the variant files; the clips are made with `--path` to it.
public enum RandomTimbres {
    /// espeak-ng lists at most 349 voices: its 132 languages and these variants must fit.
    public static let maximumCount = 200

    /// The variant file name of timbre `number`.
    public static func variantName(_ number: Int) -> String { "random" + String(format: "%03d", number) }

    /// Whether an espeak voice (`accent+variant`) uses one of these timbres.
    public static func isRandom(espeakVoice voice: String) -> Bool {
        guard let variant = voice.split(separator: "+").dropFirst().first else { return false }
        return variant.hasPrefix("random") && Int(variant.dropFirst("random".count)) != nil
    }

    /// Timbres 0..<count as training speakers (`espeak-random000`, ...), each its own family.
    public static func speakers(count: Int) -> [Speaker] {
        (0..<count).map { number in
            let renderer = Renderer(.espeak, variantName(number))
            return Speaker(id: renderer.id, gender: definition(number).gender, recorded: false, renderers: [renderer], family: renderer.id)
        }
    }

    /// Timbre `number`'s gender and variant file. A woman's vocal tract is shorter: her formants are
    /// drawn 2–22% higher than espeak's default, a man's 14% lower to 6% higher, each of the first
    /// five formants then moved by up to ±10% on its own.
    public static func definition(_ number: Int) -> (gender: Gender, text: String) {
        var random = SeededRandom(seed: 0x7A4D_0000_0000_0000 &+ UInt64(number))
        func uniform(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + (range.upperBound - range.lowerBound) * random.nextUnitDouble()
        }
        func integer(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        let gender: Gender = random.nextUnitDouble() < 0.5 ? .female : .male
        let base = gender == .female ? uniform(140...230) : uniform(65...125)
        let top = base + (gender == .female ? uniform(30...100) : uniform(20...70))
        let tract = gender == .female ? uniform(1.02...1.22) : uniform(0.86...1.06)
        var lines = ["language variant", "name \(variantName(number))", "gender \(gender.rawValue)",
                     "pitch \(Int(base)) \(Int(top))"]
        for formant in 0..<9 {
            let frequency = 100 * tract * ((1...5).contains(formant) ? uniform(0.9...1.1) : 1)
            let height = (1...3).contains(formant) ? uniform(70...130) : formant <= 5 ? uniform(50...140) : 100
            let width = formant <= 5 ? uniform(70...170) : 100
            lines.append("formant \(formant) \(Int(frequency)) \(Int(height)) \(Int(width))")
        }
        if random.nextUnitDouble() < 0.4 {
            lines.append("breath 0 0 " + (0..<6).map { _ in "\(integer(0...8))" }.joined(separator: " "))
        }
        lines.append("roughness \(integer(0...6))")
        lines.append("flutter \(integer(0...80))")
        lines.append("voicing \(Int(uniform(60...150)))")
        lines.append("consonants \(Int(uniform(50...150))) \(Int(uniform(50...150)))")
        if random.nextUnitDouble() < 0.3 { lines.append("klatt \(integer(1...4))") }
        if random.nextUnitDouble() < 0.3 {
            lines.append("tone \(integer(300...800)) \(integer(100...300)) \(integer(1200...2500)) \(integer(100...300))")
        }
        return (gender, lines.joined(separator: "\n") + "\n")
    }

    /// Makes `folder` an espeak-ng data folder: links to everything of the installed one but its
    /// variants, and the variant files of the random timbres among `voices`. espeak-ng is then run
    /// with `--path=folder`.
    static func prepareDataFolder(_ folder: String, voices: Set<String>, scratch: String) throws {
        let installed = try installedDataFolder(scratch: scratch)
        let fm = FileManager.default
        let variants = folder + "/voices/!v"
        try fm.createDirectory(atPath: variants, withIntermediateDirectories: true)
        for entry in try fm.contentsOfDirectory(atPath: installed) where entry != "voices" {
            try fm.createSymbolicLink(atPath: "\(folder)/\(entry)", withDestinationPath: "\(installed)/\(entry)")
        }
        // Languages only from voices/: espeak's own variants (and mbrola's voices) would crowd its list.
        for entry in (try? fm.contentsOfDirectory(atPath: installed + "/voices")) ?? [] where entry != "!v" && entry != "mb" {
            try fm.createSymbolicLink(atPath: "\(folder)/voices/\(entry)", withDestinationPath: "\(installed)/voices/\(entry)")
        }
        for voice in voices where isRandom(espeakVoice: voice) {
            let name = String(voice.split(separator: "+")[1])
            guard let number = Int(name.dropFirst("random".count)) else { continue }
            try definition(number).text.write(toFile: "\(variants)/\(name)", atomically: true, encoding: .utf8)
        }
    }

    /// Where espeak-ng keeps its data (`espeak-ng --version` says: "... Data at: <folder>").
    static func installedDataFolder(scratch: String) throws -> String {
        let listing = scratch + "/espeak-version.txt"
        try Subprocess.run("espeak-ng", ["--version"], stdout: listing, stderr: scratch + "/espeak-version.err")
        let text = String(decoding: FileManager.default.contents(atPath: listing) ?? Data(), as: UTF8.self)
        guard let range = text.range(of: "Data at: ") else {
            throw CorpusError.unreadable(path: listing, reason: "`espeak-ng --version` does not say where its data is")
        }
        return text[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
