import CochleaCore

// Connectionist temporal classification loss (Graves et al. 2006) with PyTorch nn.CTCLoss semantics:
// blank = 0, one loss per utterance (reduction "none"), zero_infinity = true.
//
// Shapes: T frames (time-major, the batch's padded length), B batch, C classes with blank at 0,
// L target length of one utterance, S = 2L + 1 extended states.

/// The lengths and labels of a batch of B utterances.
public struct CTCBatch: Sendable {
    /// T: rows of the log-probability tensor [T, B, C], the longest utterance plus any padding.
    public var frames: Int
    /// [B] frames of each utterance, each ≤ T; frames beyond are padding, ignored and given 0 gradient.
    public var inputLengths: [Int]
    /// [Σ L] every utterance's labels, in 1..<C, concatenated in batch order (PyTorch's 1-D layout).
    public var targets: [Int32]
    /// [B] labels per utterance; 0 is allowed (the loss is then −Σ_t log p_t(blank)).
    public var targetLengths: [Int]

    public init(frames: Int, inputLengths: [Int], targets: [Int32], targetLengths: [Int]) {
        self.frames = frames
        self.inputLengths = inputLengths
        self.targets = targets
        self.targetLengths = targetLengths
    }

    /// B.
    public var size: Int { inputLengths.count }
}

/// Per-utterance results of `CTCLoss.callAsFunction`.
public struct CTCResult: Sendable {
    /// [B] −log p(target | log-probabilities) in nats; 0 where `infinite`.
    public var losses: [Double]
    /// [B] true where no alignment is possible (the target needs more frames than the utterance
    /// has: one per label plus a blank between repeats) or every alignment has probability 0. Such
    /// an utterance gets loss 0 and zero gradient, as PyTorch's zero_infinity does, and is counted.
    public var infinite: [Bool]
    /// [T, B, C] the requested gradient of the summed loss, or empty when none was requested.
    public var gradient: [Float]

    /// Utterances with an infinite loss, for training to report.
    public var infiniteCount: Int { infinite.lazy.filter { $0 }.count }
    /// Σ_b losses[b] in nats (PyTorch's reduction "sum").
    public var totalLoss: Double { losses.reduce(0, +) }
}

/// CTC loss and gradient for batches of log-softmaxed outputs [T, B, C], utterances in parallel.
/// Holds one workspace per thread, sized at initialisation (grown if a later batch is larger): the
/// kernels allocate nothing, and `compute`'s only allocation in steady state is the few bytes of
/// bookkeeping `Parallel.forEach` makes per call. Not itself thread-safe: use one per caller.
public final class CTCLoss {
    /// C, blank included.
    public let classes: Int
    /// Threads to spread the utterances over.
    public var threads: Int
    private var workspaces: [CTCWorkspace] = []
    private var targetStarts: [Int] = []

    /// Sizes the workspaces for batches of up to `maxFrames` (T), `maxBatch` (B) and `maxTargetLength` (L).
    public init(
        classes: Int, maxFrames: Int = 0, maxBatch: Int = 0, maxTargetLength: Int = 0, threads: Int = Parallel.coreCount
    ) {
        precondition(classes >= 2, "CTC needs the blank and at least one label")
        self.classes = classes
        self.threads = max(1, threads)
        reserve(frames: maxFrames, batch: maxBatch, targetLength: maxTargetLength)
    }

    /// Losses, infinity flags and the requested gradient for `logProbs` [T, B, C], as new arrays.
    public func callAsFunction(logProbs: [Float], batch: CTCBatch, gradient kind: CTCGradient? = .logits) -> CTCResult {
        var losses = [Double](repeating: 0, count: batch.size)
        var infinite = [Bool](repeating: false, count: batch.size)
        var gradient = [Float](repeating: 0, count: kind == nil ? 0 : logProbs.count)
        logProbs.withUnsafeBufferPointer { input in
            gradient.withUnsafeMutableBufferPointer { output in
                _ = compute(
                    logProbs: input, batch: batch, losses: &losses, infinite: &infinite,
                    gradient: kind.map { (output, $0) })
            }
        }
        return CTCResult(losses: losses, infinite: infinite, gradient: gradient)
    }

    /// Writes `losses` [B] (nats, 0 where infinite), `infinite` [B] and, when asked, the gradient
    /// [T, B, C] of Σ losses into caller-owned memory; returns how many utterances were infinite.
    /// Reallocates workspaces only when the batch is larger than any before it.
    @discardableResult
    public func compute(
        logProbs: UnsafeBufferPointer<Float>, batch: CTCBatch, losses: inout [Double], infinite: inout [Bool],
        gradient: (buffer: UnsafeMutableBufferPointer<Float>, kind: CTCGradient)?
    ) -> Int {
        let b = batch.size, t = batch.frames
        validate(batch, logProbCount: logProbs.count, gradientCount: gradient?.buffer.count)
        precondition(losses.count == b && infinite.count == b, "losses and infinite need one entry per utterance")
        reserve(frames: t, batch: b, targetLength: batch.targetLengths.max() ?? 0)
        var start = 0
        for i in 0..<b {
            targetStarts[i] = start
            start += batch.targetLengths[i]
        }
        let kind = gradient?.kind ?? .logits
        let input = logProbs.baseAddress!, output = gradient?.buffer.baseAddress
        let pool = workspaces, starts = targetStarts, classes = classes, rowStride = b * classes
        batch.targets.withUnsafeBufferPointer { targets in
            losses.withUnsafeMutableBufferPointer { lossOut in
                infinite.withUnsafeMutableBufferPointer { flagOut in
                    Parallel.forEach(count: b, threads: threads, makeWorker: { pool[$0] }) { workspace, i in
                        let utterance = CTCUtterance(
                            logProbs: input + i * classes, gradient: output.map { $0 + i * classes },
                            rowStride: rowStride, frames: batch.inputLengths[i], paddedFrames: t, classes: classes,
                            target: targets.baseAddress! + starts[i], targetLength: batch.targetLengths[i])
                        let loss = CTCKernel.utterance(utterance, workspace, kind: kind)
                        lossOut[i] = loss ?? 0
                        flagOut[i] = loss == nil
                    }
                }
            }
        }
        return infinite.lazy.filter { $0 }.count
    }

    private func validate(_ batch: CTCBatch, logProbCount: Int, gradientCount: Int?) {
        let expected = batch.frames * batch.size * classes
        precondition(logProbCount == expected, "log-probabilities hold \(logProbCount) floats, [T, B, C] needs \(expected)")
        precondition(gradientCount == nil || gradientCount == expected, "the gradient buffer must match [T, B, C]")
        precondition(batch.targetLengths.count == batch.size, "one target length per utterance")
        precondition(batch.targetLengths.reduce(0, +) == batch.targets.count, "target lengths must sum to the label count")
        precondition(batch.inputLengths.allSatisfy { (0...batch.frames).contains($0) }, "input lengths must lie in 0...T")
        precondition(batch.targetLengths.allSatisfy { $0 >= 0 }, "target lengths cannot be negative")
        precondition(batch.targets.allSatisfy { $0 >= 1 && Int($0) < classes }, "labels must lie in 1..<C (0 is blank)")
    }

    private func reserve(frames: Int, batch: Int, targetLength: Int) {
        let paddedStates = (2 * targetLength + 1 + 7) & ~7
        while workspaces.count < threads { workspaces.append(CTCWorkspace()) }
        for workspace in workspaces { workspace.reserve(frames: frames, states: paddedStates) }
        if targetStarts.count < batch { targetStarts = [Int](repeating: 0, count: batch) }
    }
}
