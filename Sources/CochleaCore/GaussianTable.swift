/// Gaussian noise at the cost of a table lookup: 65,536 standard normal deviates are drawn once (a
/// fixed seed), and each sample takes one of them at a uniformly random 16-bit index from the
/// caller's seeded generator. The noise is then i.i.d. from a 65,536-point approximation of N(0, 1),
/// which is all dither and synthetic room tails need; Box–Muller's logarithm and cosine per sample
/// cost ten times the rest of the MFCC, and about 3% of training's CPU in the rooms' tails.
public enum GaussianTable {
    static let table: [Float] = {
        var random = SeededRandom(seed: 0x0D17_4E12)
        return (0..<65_536).map { _ in Float(random.nextGaussian()) }
    }()

    /// x[i] += scale · N(0, 1) for i in 0..<count.
    public static func add(to x: UnsafeMutablePointer<Float>, count: Int, scale: Float, random: inout SeededRandom) {
        table.withUnsafeBufferPointer { noise in
            var i = 0
            while i < count {
                var bits = random.next()
                for _ in 0..<min(4, count - i) {
                    x[i] += scale * noise[Int(bits & 0xFFFF)]
                    bits >>= 16
                    i += 1
                }
            }
        }
    }
}
