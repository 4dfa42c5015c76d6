import CochleaAudio
import CochleaCore
import Foundation

/// A small Speech-Commands-style corpus of synthetic sounds (a different tone pattern per word),
/// enough to exercise the training machinery in a debug build.
public enum TinyCorpus {
    public static let words = ["go": 300.0, "no": 520.0, "up": 760.0]

    public static func tone(_ frequency: Double, seconds: Double, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return (0..<Int(16_000 * seconds)).map { i in
            Float(0.3 * sin(2 * Double.pi * frequency * Double(i) / 16_000) + 0.01 * random.nextGaussian())
        }
    }

    /// Writes `perWord` clips per word under `root`, plus a noise folder and a validation list.
    public static func write(to root: String, perWord: Int = 6) throws {
        for (word, frequency) in words {
            try FileManager.default.createDirectory(atPath: root + "/" + word, withIntermediateDirectories: true)
            for i in 0..<perWord {
                try AudioWriter.write(tone(frequency * (1 + 0.02 * Double(i)), seconds: 0.5, seed: UInt64(i)), sampleRate: 16_000,
                                      encoding: .wavPCM16, to: "\(root)/\(word)/spk\(i)_nohash_0.wav")
            }
        }
        try FileManager.default.createDirectory(atPath: root + "/_background_noise_", withIntermediateDirectories: true)
        try AudioWriter.write(tone(50, seconds: 3, seed: 99), sampleRate: 16_000, encoding: .wavPCM16, to: root + "/_background_noise_/hum.wav")
        try words.keys.sorted().map { "\($0)/spk0_nohash_0.wav" }.joined(separator: "\n")
            .write(toFile: root + "/validation_list.txt", atomically: true, encoding: .utf8)
    }
}
