import CochleaCore
import CochleaFeatures
import Foundation

/// A recording through a noise suppressor (`SpectralGate`), as phones, headsets and browsers leave
/// them: WebRTC's suppressor is on by default in the browsers that recorded Speech Commands. The
/// default model, trained without it, read the test voices (draw A) at 4.2% WER and the same clips
/// through sox's `noisered` (amount 0.3, noise profile from each clip's first 50 ms) at 11.2%. Trained
/// with 0.3 of them, the recipe read that copy no better (11.5%), the test voices worse (230 errors on
/// three draws against 200–215) and Speech Commands no better (27.7%), so the recipe leaves them out.
public struct NoiseSuppressionOptions: Codable, Equatable, Sendable {
    /// Share of training utterances noise-suppressed each epoch.
    public var probability = 0.3
    /// Multiple of the estimated noise power taken from every bin.
    public var overSubtraction: ClosedRange<Double> = 1...4
    /// Lowest gain of a bin (dB).
    public var floor: ClosedRange<Double> = -25 ... -8
    /// Share of the quietest frames the noise is estimated from.
    public var quietShare: ClosedRange<Double> = 0.1...0.3

    public init(probability: Double = 0.3) { self.probability = probability }

    func validate() throws {
        func fail(_ message: String) -> TrainingOptionsError { TrainingOptionsError(message: message) }
        guard (0...1).contains(probability) else { throw fail("noise suppression probability must be in [0, 1], got \(probability)") }
        guard overSubtraction.lowerBound >= 0, overSubtraction.upperBound <= 20 else {
            throw fail("noise suppression over-subtraction must lie in 0...20, got \(overSubtraction)")
        }
        guard floor.lowerBound >= -80, floor.upperBound <= 0 else { throw fail("noise suppression floor must lie in -80...0 dB, got \(floor)") }
        guard quietShare.lowerBound > 0, quietShare.upperBound <= 1 else {
            throw fail("the share of quiet frames must lie in (0, 1], got \(quietShare)")
        }
    }

    /// `samples` through `gate` with settings drawn from the options.
    func suppress(_ samples: [Float], gate: SpectralGate, random: inout SeededRandom) -> [Float] {
        let factor = random.nextDouble(in: overSubtraction), floorDB = random.nextDouble(in: floor)
        let share = random.nextDouble(in: quietShare)
        return gate.suppress(samples, overSubtraction: Float(factor), floor: Float(pow(10, floorDB / 20)), quietShare: share)
    }
}
