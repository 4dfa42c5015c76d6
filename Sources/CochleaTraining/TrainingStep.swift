import CochleaCTC
import CochleaCore
import CochleaFeatures
import CochleaLinalg
import CochleaNN

/// A padded, time-major batch ready for the network: input [T, B, D] and the CTC labels.
public struct PreparedBatch {
    public var input: [Float]
    public var steps: Int
    public var lengths: [Int]
    public var ctc: CTCBatch

    /// Pads `features` (one [frames, D] matrix per utterance) into [T, B, D].
    public init(features: [FeatureMatrix], targets: [[Int32]]) {
        let batch = features.count, dims = features.first?.dims ?? 0
        let steps = features.map(\.frames).max() ?? 0
        var input = [Float](repeating: 0, count: steps * batch * dims)
        for (b, matrix) in features.enumerated() {
            for t in 0..<matrix.frames {
                let destination = (t * batch + b) * dims
                for d in 0..<dims { input[destination + d] = matrix.values[t * dims + d] }
            }
        }
        self.input = input
        self.steps = steps
        lengths = features.map(\.frames)
        ctc = CTCBatch(frames: steps, inputLengths: lengths, targets: targets.flatMap { $0 }, targetLengths: targets.map(\.count))
    }
}

/// What one optimiser step did.
public struct StepResult {
    /// Σ_b CTC loss (nats) over feasible utterances.
    public var loss: Double
    public var utterances: Int
    /// Utterances whose target did not fit their frames.
    public var infeasible: Int
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    /// false when the loss or gradient was not finite: nothing was applied.
    public var applied: Bool
}

/// Forward, CTC, backward, clipping and Adam for one batch, reusing every buffer.
public final class TrainingStep {
    public let network: AcousticNetwork<Float>
    public let optimizer: Adam<Float>
    public let ctc: CTCLoss
    public var clipNorm: Double
    private var gradient: [Float] = []
    private var losses: [Double] = []
    private var infinite: [Bool] = []

    public init(network: AcousticNetwork<Float>, optimizer: Adam<Float>, clipNorm: Double, threads: Int) {
        self.network = network
        self.optimizer = optimizer
        self.clipNorm = clipNorm
        ctc = CTCLoss(classes: network.shape.classes, threads: threads)
        network.threads = threads
    }

    /// One step on `batch` at `learningRate`; `dropoutSeed` draws this step's dropout masks.
    public func run(_ batch: PreparedBatch, learningRate: Double, dropoutSeed: UInt64) -> StepResult {
        let b = batch.lengths.count, classes = network.shape.classes
        let count = batch.steps * b * classes
        if gradient.count < count { gradient = [Float](repeating: 0, count: count) }
        losses = [Double](repeating: 0, count: b)
        infinite = [Bool](repeating: false, count: b)
        network.zeroGradients()
        let infeasible = batch.input.withUnsafeBufferPointer { x -> Int in
            let logProbs = network.forward(input: x.baseAddress!, steps: batch.steps, batch: b, lengths: batch.lengths,
                                           training: true, dropoutSeed: dropoutSeed)
            return gradient.withUnsafeMutableBufferPointer { g -> Int in
                let slice = UnsafeMutableBufferPointer(rebasing: g[0..<count])
                let infeasible = ctc.compute(logProbs: UnsafeBufferPointer(start: logProbs, count: count), batch: batch.ctc,
                                             losses: &losses, infinite: &infinite, gradient: (slice, .logits))
                // Mean over the batch, so that the learning rate does not depend on the batch size.
                let scale = Float(1) / Float(max(1, b))
                for i in 0..<count { slice[i] *= scale }
                network.backward(logitGradient: slice.baseAddress!)
                return infeasible
            }
        }
        let loss = losses.reduce(0, +)
        let norm = GradientClipping.clip(network.gradients, maxNorm: clipNorm)
        guard loss.isFinite, norm.isFinite else {
            return StepResult(loss: loss, utterances: b, infeasible: infeasible, gradientNorm: norm, applied: false)
        }
        optimizer.update(parameters: network.parameters, gradients: UnsafeBufferPointer(network.gradients), learningRate: learningRate)
        return StepResult(loss: loss, utterances: b, infeasible: infeasible, gradientNorm: norm, applied: true)
    }

    /// Log-probabilities [T, B, C] and per-utterance losses of `batch` without training.
    public func evaluate(_ batch: PreparedBatch) -> (logProbs: [Float], losses: [Double], infinite: [Bool]) {
        let b = batch.lengths.count, count = batch.steps * b * network.shape.classes
        var losses = [Double](repeating: 0, count: b), infinite = [Bool](repeating: false, count: b)
        let logProbs = batch.input.withUnsafeBufferPointer { x in
            Array(UnsafeBufferPointer(start: network.forward(input: x.baseAddress!, steps: batch.steps, batch: b, lengths: batch.lengths),
                                      count: count))
        }
        logProbs.withUnsafeBufferPointer { lp in
            _ = ctc.compute(logProbs: lp, batch: batch.ctc, losses: &losses, infinite: &infinite, gradient: nil)
        }
        return (logProbs, losses, infinite)
    }
}
