import Foundation

// Shapes: T frames, B batch, C classes (blank = 0), L target length, S = 2L + 1 extended states.

/// The textbook CTC forward-backward in Double and plain log space (−∞ for log 0), one utterance at
/// a time. Slow and allocating; kept beside `CTCLoss` as the implementation the tests trust, and
/// precise enough for finite-difference gradient checks.
public enum CTCReference {
    /// Losses in nats (0 where infinite), infinity flags, and the gradient [T, B, C] of Σ losses
    /// (zero rows on padding frames and infinite utterances), for `logProbs` [T, B, C].
    public static func compute(
        logProbs: [Double], classes: Int, batch: CTCBatch, gradient kind: CTCGradient = .logits
    ) -> (losses: [Double], infinite: [Bool], gradient: [Double]) {
        let b = batch.size, c = classes
        precondition(logProbs.count == batch.frames * b * c)
        var losses = [Double](repeating: 0, count: b)
        var infinite = [Bool](repeating: false, count: b)
        var gradient = [Double](repeating: 0, count: logProbs.count)
        var start = 0
        for i in 0..<b {
            let frames = batch.inputLengths[i]
            let target = batch.targets[start..<(start + batch.targetLengths[i])].map(Int.init)
            start += target.count
            // Gather this utterance's rows into [T_i, C].
            var rows = [Double]()
            for t in 0..<frames { rows += logProbs[((t * b + i) * c)..<((t * b + i + 1) * c)] }
            let (loss, grad) = utterance(logProbs: rows, classes: c, target: target, kind: kind)
            losses[i] = loss.isFinite ? loss : 0
            infinite[i] = !loss.isFinite
            guard loss.isFinite else { continue }
            for t in 0..<frames {
                for k in 0..<c { gradient[(t * b + i) * c + k] = grad[t * c + k] }
            }
        }
        return (losses, infinite, gradient)
    }

    /// −log p(target | logProbs) in nats (+∞ when no alignment has nonzero probability) and its
    /// gradient [T, C], for one utterance's `logProbs` [T, C].
    public static func utterance(
        logProbs lp: [Double], classes c: Int, target: [Int], kind: CTCGradient = .logits
    ) -> (loss: Double, gradient: [Double]) {
        let t = lp.count / c
        let s = 2 * target.count + 1
        let label = extendedLabels(target)
        let canSkip = skips(label)
        var gradient = [Double](repeating: 0, count: lp.count)
        guard t > 0 else { return (target.isEmpty ? 0 : .infinity, gradient) }
        func y(_ frame: Int, _ state: Int) -> Double { lp[frame * c + label[state]] }

        let (alpha, logLikelihood) = forward(logProbs: lp, classes: c, target: target)
        guard logLikelihood > -.infinity else { return (.infinity, gradient) }

        var beta = [[Double]](repeating: [Double](repeating: -.infinity, count: s), count: t)
        beta[t - 1][s - 1] = y(t - 1, s - 1)
        if s > 1 { beta[t - 1][s - 2] = y(t - 1, s - 2) }
        for f in stride(from: t - 2, through: 0, by: -1) {
            for j in 0..<s {
                var sum = beta[f + 1][j]
                if j + 1 < s { sum = logAdd(sum, beta[f + 1][j + 1]) }
                if j + 2 < s && canSkip[j + 2] { sum = logAdd(sum, beta[f + 1][j + 2]) }
                beta[f][j] = sum + y(f, j)
            }
        }

        // γ_t(k) = Σ_{j: l'_j = k} α_t(j)·β_t(j) / (p·y_t(k)); α and β both include y_t.
        for f in 0..<t {
            for j in 0..<s {
                let logGamma = alpha[f][j] + beta[f][j] - y(f, j) - logLikelihood
                gradient[f * c + label[j]] -= exp(logGamma)
            }
            if kind == .logits {
                for k in 0..<c { gradient[f * c + k] += exp(lp[f * c + k]) }
            }
        }
        return (-logLikelihood, gradient)
    }

    /// ln p(target | logProbs) in nats (−∞ when no alignment has nonzero probability, and for no
    /// frames) for one utterance's `logProbs` [T, C]: the forward recursion alone.
    public static func logLikelihood(logProbs: [Double], classes: Int, target: [Int]) -> Double {
        logProbs.isEmpty ? -.infinity : forward(logProbs: logProbs, classes: classes, target: target).logLikelihood
    }

    /// α [T][S] (log space; α_t(j) includes y_t) and ln p(target | logProbs), for T ≥ 1.
    static func forward(logProbs lp: [Double], classes c: Int, target: [Int]) -> (alpha: [[Double]], logLikelihood: Double) {
        let t = lp.count / c
        let s = 2 * target.count + 1
        let label = extendedLabels(target)
        let canSkip = skips(label)
        func y(_ frame: Int, _ state: Int) -> Double { lp[frame * c + label[state]] }
        var alpha = [[Double]](repeating: [Double](repeating: -.infinity, count: s), count: t)
        alpha[0][0] = y(0, 0)
        if s > 1 { alpha[0][1] = y(0, 1) }
        for f in 1..<t {
            for j in 0..<s {
                var sum = alpha[f - 1][j]
                if j >= 1 { sum = logAdd(sum, alpha[f - 1][j - 1]) }
                if canSkip[j] { sum = logAdd(sum, alpha[f - 1][j - 2]) }
                alpha[f][j] = sum + y(f, j)
            }
        }
        let logLikelihood = s > 1 ? logAdd(alpha[t - 1][s - 1], alpha[t - 1][s - 2]) : alpha[t - 1][s - 1]
        return (alpha, logLikelihood)
    }

    /// The target with blanks (class 0) between and around its labels: S = 2L + 1 states.
    public static func extendedLabels(_ target: [Int]) -> [Int] {
        (0..<(2 * target.count + 1)).map { $0 % 2 == 0 ? 0 : target[$0 / 2] }
    }

    /// Entering state j from j − 2 skips a blank: only into a label unlike the one before.
    public static func skips(_ label: [Int]) -> [Bool] {
        label.indices.map { $0 >= 3 && label[$0] != 0 && label[$0] != label[$0 - 2] }
    }

    /// log(e^a + e^b), exact for −∞ arguments.
    public static func logAdd(_ a: Double, _ b: Double) -> Double {
        let m = max(a, b)
        guard m > -.infinity else { return -.infinity }
        return m + log(exp(a - m) + exp(b - m))
    }
}
