import Foundation

// Shapes: T frames, C classes (blank = 0), L target length, S = 2L + 1 extended states (blank,
// l1, blank, l2, …, lL, blank), Sp = S rounded up to a multiple of 8.
//
// The recursions run in log space (sharply peaked inputs put ratios far beyond e^±88 within one
// frame, so scaled probabilities in Float would lose the states that matter later), 8 states at a
// time, in base-2 logarithms ("bits", see FastMath.swift) converted to nats only for the loss.
// Each frame's row is stored minus the previous row's maximum, with the dropped amounts kept in
// Double, so that stored values stay near the states that lead: log α itself reaches −40000 on
// long peaked inputs, where a Float's spacing is 0.004.

/// One utterance inside a time-major batch: frame t of it starts at `logProbs + t·rowStride`.
struct CTCUtterance {
    /// [T_batch rows of C] log-probabilities, rows `rowStride` (B·C) floats apart.
    var logProbs: UnsafePointer<Float>
    /// Same layout as `logProbs`; nil when no gradient is wanted.
    var gradient: UnsafeMutablePointer<Float>?
    var rowStride: Int
    /// T: this utterance's own frames; rows `frames..<paddedFrames` are padding.
    var frames: Int
    var paddedFrames: Int
    var classes: Int
    /// [L] labels in 1..<C.
    var target: UnsafePointer<Int32>
    var targetLength: Int
}

/// What the backward pass writes per frame.
public enum CTCGradient: Sendable {
    /// ∂loss/∂logits = softmax(logits) − γ = exp(lp) − γ, where γ_t(c) is the posterior probability
    /// that frame t emits class c. PyTorch's `ctc_loss` reports these same values as the gradient of
    /// its log-probabilities input (they pass unchanged through log_softmax's backward, because
    /// each row sums to 0).
    case logits
    /// ∂loss/∂lp = −γ, the partial derivative with the log-probabilities taken as free inputs.
    case logProbabilities
}

enum CTCKernel {
    /// Frames the shortest alignment needs: one per label, plus a blank between equal neighbours.
    static func requiredFrames(_ target: UnsafePointer<Int32>, length: Int) -> Int {
        var frames = length
        for i in stride(from: 1, to: length, by: 1) where target[i] == target[i - 1] { frames += 1 }
        return frames
    }

    /// Loss −log p(target | lp) in nats, or nil when no alignment has nonzero probability. Writes
    /// the gradient rows (zeros on padding frames and when the loss is infinite) when asked for.
    static func utterance(_ u: CTCUtterance, _ w: CTCWorkspace, kind: CTCGradient) -> Double? {
        var loss: Double?
        if u.frames > 0, requiredFrames(u.target, length: u.targetLength) <= u.frames {
            let states = 2 * u.targetLength + 1
            let padded = (states + 7) & ~7
            extendTarget(u, w, states: states, padded: padded)
            gatherEmissions(u, w, states: states, padded: padded)
            let logLikelihood = forward(w, frames: u.frames, states: states, padded: padded)
            // A feasible target still has probability 0 when an emission it needs is log 0.
            if logLikelihood > Double(logZero) * 1e-6 {
                loss = -logLikelihood * log(2)
                if let gradient = u.gradient {
                    backward(u, w, gradient: gradient, states: states, padded: padded, logLikelihood: logLikelihood, kind: kind)
                }
            }
        } else if u.frames == 0 && u.targetLength == 0 {
            loss = 0
        }
        if let gradient = u.gradient {
            let first = loss == nil ? 0 : u.frames
            for t in first..<u.paddedFrames {
                (gradient + t * u.rowStride).update(repeating: 0, count: u.classes)
            }
        }
        return loss
    }

    /// Fills `labels` (l'_s) and `skip` for the extended target.
    static func extendTarget(_ u: CTCUtterance, _ w: CTCWorkspace, states: Int, padded: Int) {
        for s in 0..<(padded + 8) {
            let label: Int32 = s < states && s & 1 == 1 ? u.target[s >> 1] : 0
            if s < padded { w.labels[s] = label }
            // s − 2 → s skips a blank; allowed only into a label that differs from the previous one.
            let allowed = label != 0 && s >= 3 && u.target[(s >> 1) - 1] != label
            w.skip[s] = allowed ? 0 : logZero
        }
    }

    /// E[t, s] = lp[t, l'_s] in bits, floored at `logZero` so that −∞ inputs stay finite.
    static func gatherEmissions(_ u: CTCUtterance, _ w: CTCWorkspace, states: Int, padded: Int) {
        for t in 0..<u.frames {
            let row = u.logProbs + t * u.rowStride
            let e = w.emissions + t * padded
            for s in 0..<states { e[s] = max(row[Int(w.labels[s])] * log2E, logZero) }
            for s in states..<padded { e[s] = logZero }
        }
    }

    /// α recursion over T frames; returns log2 p(target | lp) (bits).
    static func forward(_ w: CTCWorkspace, frames: Int, states: Int, padded: Int) -> Double {
        let stride = CTCWorkspace.rowStride(paddedStates: padded)
        // Virtual frame −1: all probability in state 0, so that frame 0 uses the general recursion.
        let virtual = w.alpha
        virtual.update(repeating: logZero, count: stride)
        virtual[8] = 0
        var offset = 0.0
        var previousMax: Float = 0
        for t in 0..<frames {
            offset += Double(previousMax)
            w.alphaOffsets[t] = offset
            let previous = UnsafePointer(w.alpha + t * stride + 8)
            let current = w.alpha + (t + 1) * stride + 8
            (current - 8).update(repeating: logZero, count: 8)
            let e = UnsafePointer(w.emissions + t * padded)
            let shift = Lanes(repeating: previousMax)
            var rowMax = Lanes(repeating: logZero)
            for j in Swift.stride(from: 0, to: padded, by: 8) {
                let stay = load(previous + j), step = load(previous + j - 1)
                let jump = load(previous + j - 2) + load(w.skip + j)
                let value = logSumExp2(stay, step, jump) + (load(e + j) - shift)
                store(value, current + j)
                rowMax = lanewiseMax(rowMax, value)
            }
            previousMax = horizontalMax(rowMax)
        }
        let last = w.alpha + frames * stride + 8
        var final = Double(last[states - 1])
        if states > 1 { final = logAdd2(final, Double(last[states - 2])) }
        return w.alphaOffsets[frames - 1] + final
    }

    /// β recursion from the last frame back, writing each frame's gradient row as soon as its β is known.
    static func backward(
        _ u: CTCUtterance, _ w: CTCWorkspace, gradient: UnsafeMutablePointer<Float>, states: Int, padded: Int,
        logLikelihood: Double, kind: CTCGradient
    ) {
        let stride = CTCWorkspace.rowStride(paddedStates: padded)
        var next = w.beta, current = w.beta + stride
        // Virtual frame T: all probability in the final blank, so that frame T−1 uses the general recursion.
        next.update(repeating: logZero, count: stride)
        next[states - 1] = 0
        current.update(repeating: logZero, count: stride)
        var offset = 0.0
        var previousMax: Float = 0
        for t in Swift.stride(from: u.frames - 1, through: 0, by: -1) {
            offset += Double(previousMax)
            let e = UnsafePointer(w.emissions + t * padded)
            let shift = Lanes(repeating: previousMax)
            var rowMax = Lanes(repeating: logZero)
            for j in Swift.stride(from: 0, to: padded, by: 8) {
                let stay = load(next + j), step = load(next + j + 1)
                let jump = load(next + j + 2) + load(w.skip + j + 2)
                let value = logSumExp2(stay, step, jump) + (load(e + j) - shift)
                store(value, current + j)
                rowMax = lanewiseMax(rowMax, value)
            }
            previousMax = horizontalMax(rowMax)
            let alpha = UnsafePointer(w.alpha + (t + 1) * stride + 8)
            let scale = Float(w.alphaOffsets[t] + offset - logLikelihood)
            let blank = occupancy(
                alpha: alpha, beta: current, emissions: e, scale: scale, padded: padded, into: w.occupancy)
            gradientRow(
                logProbs: u.logProbs + t * u.rowStride, classes: u.classes, labels: w.labels, occupancy: w.occupancy,
                blank: blank, states: states, kind: kind, into: gradient + t * u.rowStride)
            swap(&next, &current)
        }
    }

    /// γ_t(s) = α_t(s)·β_t(s) / (p(target)·y_t(l'_s)): both α and β count frame t's emission once.
    /// `scale` is log2 of 1/p(target) plus the rows' offsets. The result is divided by its sum, which
    /// is exactly 1 in exact arithmetic (one state is occupied per frame): this cancels the rounding
    /// that α and β accumulate in common over hundreds of frames, several 1e-4 relative in Float.
    /// Returns the blank's share, Σ over even s.
    @inline(__always)
    static func occupancy(
        alpha: UnsafePointer<Float>, beta: UnsafePointer<Float>, emissions: UnsafePointer<Float>, scale: Float,
        padded: Int, into gamma: UnsafeMutablePointer<Float>
    ) -> Float {
        let k = Lanes(repeating: scale)
        let even = Lanes(1, 0, 1, 0, 1, 0, 1, 0)
        var total = Lanes(repeating: 0), blank = Lanes(repeating: 0)
        for j in Swift.stride(from: 0, to: padded, by: 8) {
            let value = fastExp2(load(alpha + j) + load(beta + j) - load(emissions + j) + k)
            store(value, gamma + j)
            total += value
            blank += value * even
        }
        let sum = horizontalSum(total)
        guard sum > 0 else { return 0 }
        let inverse = 1 / sum
        for j in Swift.stride(from: 0, to: padded, by: 8) {
            store(load(gamma + j) * Lanes(repeating: inverse), gamma + j)
        }
        return horizontalSum(blank) * inverse
    }

    /// One frame's gradient: exp(lp) (logits) or 0 (log-probabilities), minus γ summed per class.
    @inline(__always)
    static func gradientRow(
        logProbs: UnsafePointer<Float>, classes: Int, labels: UnsafePointer<Int32>, occupancy: UnsafePointer<Float>,
        blank: Float, states: Int, kind: CTCGradient, into row: UnsafeMutablePointer<Float>
    ) {
        switch kind {
        case .logits: exponentiate(logProbs, count: classes, into: row)
        case .logProbabilities: row.update(repeating: 0, count: classes)
        }
        row[0] -= blank
        for s in Swift.stride(from: 1, to: states, by: 2) { row[Int(labels[s])] -= occupancy[s] }
    }

    /// out[c] = e^x[c] for `count` floats.
    @inline(__always)
    static func exponentiate(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        guard count >= 8 else {
            for i in 0..<count { out[i] = exp(x[i]) }
            return
        }
        var j = 0
        while j + 8 < count {
            store(fastExp(load(x + j)), out + j)
            j += 8
        }
        // The last 8 overlap the previous ones rather than leaving a scalar tail.
        store(fastExp(load(x + count - 8)), out + count - 8)
    }

    /// log2(2^a + 2^b) in Double.
    static func logAdd2(_ a: Double, _ b: Double) -> Double {
        let m = max(a, b)
        return m + log2(exp2(a - m) + exp2(b - m))
    }
}
