import CochleaCore
import Foundation

/// A one-second word at 16 kHz: 0.3 s of faint noise floor, 0.4 s of a loud vowel-like tone (samples
/// 4800..<11200, 10 ms windows 30..<70), 0.3 s of floor.
func testWord() -> [Float] {
    var random = SeededRandom(seed: 5)
    return (0..<16000).map { i in
        let floor = Float(0.0005 * random.nextGaussian())
        return (4800..<11200).contains(i) ? floor + Float(0.5 * sin(2 * Double.pi * 180 * Double(i) / 16000)) : floor
    }
}
