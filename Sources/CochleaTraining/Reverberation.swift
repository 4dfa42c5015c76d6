import CochleaCore
import CochleaFeatures
import Foundation

/// Simulated room reverberation: speech convolved with a synthetic room impulse response, the
/// direct sound followed by a tail of exponentially decaying noise (the statistical model of late
/// reverberation; Kaldi's recipes reverberate their training data with simulated responses the same
/// way). Recordings made in rooms are reverberant, synthetic speech never is.
public struct ReverberationOptions: Codable, Equatable, Sendable {
    /// Share of training utterances reverberated each epoch.
    public var probability = 0.3
    /// Reverberation time RT60 (s): how long the tail takes to fall by 60 dB. Living rooms and
    /// offices are about 0.3–0.6 s, bathrooms and halls 1 s and more.
    public var reverberationTime: ClosedRange<Double> = 0.2...0.8
    /// Energy of the direct sound over the tail's (dB): high near the microphone, low across a room.
    public var directToReverberant: ClosedRange<Double> = 0...12

    public init(probability: Double = 0.3) { self.probability = probability }

    func validate() throws {
        func fail(_ message: String) -> TrainingOptionsError { TrainingOptionsError(message: message) }
        guard (0...1).contains(probability) else { throw fail("reverberation probability must be in [0, 1], got \(probability)") }
        guard reverberationTime.lowerBound >= 0.05, reverberationTime.upperBound <= 3 else {
            throw fail("reverberation times must lie in 0.05...3 s, got \(reverberationTime)")
        }
        guard directToReverberant.lowerBound >= -20, directToReverberant.upperBound <= 40 else {
            throw fail("direct-to-reverberant ratios must lie in -20...40 dB, got \(directToReverberant)")
        }
    }

    /// An impulse response at `sampleRate` Hz: 1 at t = 0 (the direct sound), then, from a first
    /// reflection 1–5 ms later until the tail has fallen by 60 dB, Gaussian noise whose amplitude
    /// falls as 10^(−3t/RT60), scaled to the direct-to-reverberant ratio `ratio` (dB).
    static func impulseResponse(reverberationTime rt60: Double, ratio: Double, sampleRate: Int,
                                random: inout SeededRandom) -> [Float] {
        let rate = Double(sampleRate)
        let onset = max(1, Int(rate * (0.001 + 0.004 * random.nextUnitDouble())))
        let length = max(onset + 1, Int(rt60 * rate))
        var response = [Float](repeating: 0, count: length)
        response[0] = 1
        response.withUnsafeMutableBufferPointer { GaussianTable.add(to: $0.baseAddress! + onset, count: length - onset, scale: 1, random: &random) }
        let decayPerSample = pow(10, -3 / (rt60 * rate))
        var envelope = pow(decayPerSample, Double(onset)), tailEnergy = 0.0
        for n in onset..<length {
            let value = Double(response[n]) * envelope
            response[n] = Float(value)
            tailEnergy += value * value
            envelope *= decayPerSample
        }
        let scale = tailEnergy > 0 ? Float((pow(10, -ratio / 10) / tailEnergy).squareRoot()) : 0
        for n in onset..<length { response[n] *= scale }
        return response
    }

    /// `samples` in a random room drawn from the ranges, at the level they had (feature extraction
    /// dithers at a fixed level, so a clip made quieter would also be made noisier).
    func reverberate(_ samples: [Float], sampleRate: Int, convolver: FFTConvolver, random: inout SeededRandom) -> [Float] {
        guard !samples.isEmpty else { return samples }
        let rt60 = random.nextDouble(in: reverberationTime)
        let ratio = random.nextDouble(in: directToReverberant)
        let response = Self.impulseResponse(reverberationTime: rt60, ratio: ratio, sampleRate: sampleRate, random: &random)
        var wet = convolver.convolve(samples, with: response)
        let energy = { (x: [Float]) in x.withUnsafeBufferPointer { VectorReductions.sumOfSquares($0.baseAddress!, $0.count) } }
        let dry = energy(samples), reverberant = energy(wet)
        guard dry > 0, reverberant > 0, reverberant.isFinite else { return samples }
        let gain = Float((dry / reverberant).squareRoot())
        for i in wet.indices { wet[i] *= gain }
        return wet
    }
}
