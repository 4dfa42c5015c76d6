import CochleaCore
import Foundation

/// Random [T, C] log-probabilities in the two shapes that the peer benchmark
/// (`../shared/peers/ctc_bench.py`) decodes, for benchmarks and tests.
public enum RandomLogProbabilities {
    public enum Kind: String, CaseIterable, Sendable {
        /// log_softmax(N(0, 1)): no token stands out, the worst case for pruning.
        case flat
        /// log_softmax(N(0, 1) + 8·onehot(k)), k the blank with probability 0.7, else a uniform
        /// non-blank class: resembles a trained model's output.
        case peaky
    }

    /// Row-major [frames, classes] natural-log posteriors.
    public static func make(frames: Int, classes: Int, kind: Kind, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        var values = [Float](repeating: 0, count: frames * classes)
        for t in 0..<frames {
            var z = (0..<classes).map { _ in random.nextGaussian() }
            if kind == .peaky {
                let k = random.nextUnitDouble() < 0.7 ? 0 : 1 + Int(random.next() % UInt64(classes - 1))
                z[k] += 8
            }
            let m = z.max()!
            let shift = m + log(z.reduce(0) { $0 + exp($1 - m) })
            for c in 0..<classes { values[t * classes + c] = Float(z[c] - shift) }
        }
        return values
    }
}
