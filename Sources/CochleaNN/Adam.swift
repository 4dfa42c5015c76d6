import CochleaLinalg
import Dispatch

/// Adam's hyper-parameters, PyTorch's defaults; a non-zero `weightDecay` makes it AdamW
/// (decoupled decay: p ← p − lr·λ·p before the Adam step).
public struct AdamOptions: Codable, Equatable, Sendable {
    public var learningRate: Double = 1e-3
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var epsilon: Double = 1e-8
    public var weightDecay: Double = 0
    public init(learningRate: Double = 1e-3, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// Adam over one flat parameter buffer. Its state (moments and step count) is what a checkpoint
/// must keep for `--resume` to continue exactly.
public final class Adam<T: Real> {
    public var options: AdamOptions
    /// First and second moment estimates, one per parameter.
    public private(set) var firstMoment: [T]
    public private(set) var secondMoment: [T]
    /// Steps taken.
    public private(set) var step = 0

    public init(count: Int, options: AdamOptions) {
        self.options = options
        firstMoment = [T](repeating: 0, count: count)
        secondMoment = [T](repeating: 0, count: count)
    }

    /// Restores saved state (from a checkpoint).
    public init(options: AdamOptions, firstMoment: [T], secondMoment: [T], step: Int) {
        precondition(firstMoment.count == secondMoment.count && step >= 0)
        self.options = options
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.step = step
    }

    /// One step at `learningRate` (the schedule's current rate; `options.learningRate` if nil).
    /// With `threads` 2 the two halves of the buffer are updated at once (each element on its own,
    /// so the result is the same).
    @_specialize(where T == Float)
    public func update(parameters: UnsafeMutableBufferPointer<T>, gradients: UnsafeBufferPointer<T>, learningRate: Double? = nil,
                       threads: Int = 1) {
        precondition(parameters.count == firstMoment.count && gradients.count == firstMoment.count)
        step += 1
        let lr = learningRate ?? options.learningRate
        let b1 = T(options.beta1), b2 = T(options.beta2)
        let correction1 = 1 - pow(options.beta1, Double(step)), correction2 = 1 - pow(options.beta2, Double(step))
        let stepSize = T(lr / correction1), rootCorrection = T(correction2.squareRoot()), eps = T(options.epsilon)
        let decay = T(1 - lr * options.weightDecay)
        let p = parameters.baseAddress!, g = gradients.baseAddress!
        let count = parameters.count
        firstMoment.withUnsafeMutableBufferPointer { mBuffer in
            secondMoment.withUnsafeMutableBufferPointer { vBuffer in
                let m = mBuffer.baseAddress!, v = vBuffer.baseAddress!
                func updateRange(_ range: Range<Int>) {
                    for i in range {
                        m[i] = b1 * m[i] + (1 - b1) * g[i]
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                        p[i] = p[i] * decay - stepSize * m[i] / (v[i].squareRoot() / rootCorrection + eps)
                    }
                }
                if threads > 1 && count >= 1 << 16 {
                    DispatchQueue.concurrentPerform(iterations: 2) { half in
                        updateRange(half == 0 ? 0..<(count / 2) : (count / 2)..<count)
                    }
                } else {
                    updateRange(0..<count)
                }
            }
        }
    }
}

public enum GradientClipping {
    /// The L2 norm of all gradients (accumulated in Double), then, if it exceeds `maxNorm`, the
    /// gradients scaled down to it (PyTorch's `clip_grad_norm_`). Returns the norm before clipping;
    /// a non-finite norm means the batch must not be applied.
    @discardableResult
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func clip<T: Real>(_ gradients: UnsafeMutableBufferPointer<T>, maxNorm: Double) -> Double {
        // Sums of squares in blocks of T, each block then added in Double: vectorisable, and still
        // accurate for millions of parameters.
        var sum = 0.0
        let g = gradients.baseAddress!, count = gradients.count
        var start = 0
        while start < count {
            let end = min(start + 4096, count)
            var block: T = 0
            for i in start..<end { block += g[i] * g[i] }
            sum += Double(block)
            start = end
        }
        let norm = sum.squareRoot()
        if norm.isFinite && maxNorm > 0 && norm > maxNorm {
            let scale = T(maxNorm / (norm + 1e-6))
            for i in gradients.indices { gradients[i] *= scale }
        }
        return norm
    }
}

#if canImport(Glibc)
import Glibc
#endif
