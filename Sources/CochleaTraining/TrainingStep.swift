import CochleaCTC
import CochleaCore
import CochleaDistributed
import CochleaFeatures
import CochleaLinalg
import CochleaNN
import Dispatch

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

/// This process's part of a global batch split over the processes of a job.
public struct BatchShard: Equatable, Sendable {
    /// Utterances in the whole batch, over all processes: the gradient is the mean over these.
    public var globalSize: Int
    /// Each local member's position in the whole batch (its dropout stream, its place in the loss sum).
    public var positions: [Int]

    public init(globalSize: Int, positions: [Int]) {
        self.globalSize = globalSize
        self.positions = positions
    }
}

/// What one optimiser step did; with a shard, totals over the whole batch.
public struct StepResult {
    /// Σ_b CTC loss (nats) over feasible utterances.
    public var loss: Double
    public var utterances: Int
    /// Feature frames in the batch.
    public var frames: Int
    /// Utterances whose target did not fit their frames.
    public var infeasible: Int
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    /// false when the loss or gradient was not finite: nothing was applied.
    public var applied: Bool
}

/// Forward, CTC, backward, clipping and Adam for one batch, reusing every buffer.
///
/// Split over the processes of a job (`communicator`), each process runs forward, CTC and backward
/// on its shard of the global batch with the gradient scaled by 1/global batch size; the gradient
/// buffer is then summed over processes (overlapping the backward pass of lower layers when
/// `overlapReduction`), so every process clips and applies the same Adam step to the same weights.
public final class TrainingStep {
    public let network: AcousticNetwork<Float>
    public let optimizer: Adam<Float>
    public let ctc: CTCLoss
    public var clipNorm: Double
    public let communicator: Communicator
    /// Sum each layer's gradients over processes on a second thread while the layers below are
    /// still in backward. MPI's waiting threads poll, so this pays only when a core is free for it.
    public var overlapReduction = false
    /// Seconds of the last step spent computing (forward, CTC, backward) and waiting for the
    /// gradient sum (the part of it not hidden behind backward), for benchmarks.
    public private(set) var lastTiming = (compute: 0.0, reduce: 0.0)
    private var gradient: [Float] = []
    private var losses: [Double] = []
    private var infinite: [Bool] = []
    private lazy var reduction = OverlappedReduction(communicator: communicator)

    public init(network: AcousticNetwork<Float>, optimizer: Adam<Float>, clipNorm: Double, threads: Int,
                communicator: Communicator = SingleProcess()) {
        self.network = network
        self.optimizer = optimizer
        self.clipNorm = clipNorm
        self.communicator = communicator
        ctc = CTCLoss(classes: network.shape.classes, threads: threads)
        network.threads = threads
    }

    /// One step on `batch` at `learningRate`; `dropoutSeed` draws this step's dropout masks.
    /// With `shard`, `batch` is this process's part of a global batch and every process must call
    /// `run` for the same step (with an empty batch when its shard is empty).
    public func run(_ batch: PreparedBatch, learningRate: Double, dropoutSeed: UInt64, shard: BatchShard? = nil) -> StepResult {
        let b = batch.lengths.count, classes = network.shape.classes
        let count = batch.steps * b * classes
        let started = DispatchTime.now()
        if gradient.count < count { gradient = [Float](repeating: 0, count: count) }
        losses = [Double](repeating: 0, count: b)
        infinite = [Bool](repeating: false, count: b)
        network.zeroGradients()
        let distributed = shard != nil && communicator.isDistributed
        let overlap = distributed && overlapReduction
        let reduction = self.reduction, gradients = network.gradients
        var infeasible = 0
        if b > 0 && batch.steps > 0 {
            infeasible = batch.input.withUnsafeBufferPointer { x -> Int in
                let logProbs = network.forward(input: x.baseAddress!, steps: batch.steps, batch: b, lengths: batch.lengths,
                                               training: true, dropoutSeed: dropoutSeed, dropoutRows: shard?.positions)
                return gradient.withUnsafeMutableBufferPointer { g -> Int in
                    let slice = UnsafeMutableBufferPointer(rebasing: g[0..<count])
                    let infeasible = ctc.compute(logProbs: UnsafeBufferPointer(start: logProbs, count: count), batch: batch.ctc,
                                                 losses: &losses, infinite: &infinite, gradient: (slice, .logits))
                    // Mean over the (global) batch, so that the learning rate does not depend on the batch size.
                    let scale = Float(1) / Float(max(1, shard?.globalSize ?? b))
                    for i in 0..<count { slice[i] *= scale }
                    network.backward(logitGradient: slice.baseAddress!, gradientsReady: overlap ? { range in
                        reduction.reduce(UnsafeMutableBufferPointer(rebasing: gradients[range]))
                    } : nil)
                    return infeasible
                }
            }
        } else if overlap {
            // Nothing to compute here, but the same reductions as every other process, in the same order.
            for range in network.reductionSlices { reduction.reduce(UnsafeMutableBufferPointer(rebasing: gradients[range])) }
        }
        let computed = DispatchTime.now()
        var loss = losses.reduce(0, +), utterances = b, frames = batch.lengths.reduce(0, +)
        if let shard, distributed {
            if overlap { reduction.finish() } else { communicator.allreduceSum(gradients, scale: 1) }
            // The whole batch's losses summed in batch order, as one process would.
            var local = [Double(infeasible), Double(frames)]
            for (position, value) in zip(shard.positions, losses) { local += [Double(position), value] }
            var all = [Double](repeating: 0, count: shard.globalSize)
            (infeasible, frames) = (0, 0)
            for values in communicator.allgather(doubles: local) {
                infeasible += Int(values[0])
                frames += Int(values[1])
                for k in stride(from: 2, to: values.count, by: 2) { all[Int(values[k])] = values[k + 1] }
            }
            loss = all.reduce(0, +)
            utterances = shard.globalSize
        }
        lastTiming = (Double(computed.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9,
                      Double(DispatchTime.now().uptimeNanoseconds - computed.uptimeNanoseconds) / 1e9)
        let norm = GradientClipping.clip(network.gradients, maxNorm: clipNorm)
        guard loss.isFinite, norm.isFinite else {
            return StepResult(loss: loss, utterances: utterances, frames: frames, infeasible: infeasible, gradientNorm: norm, applied: false)
        }
        optimizer.update(parameters: network.parameters, gradients: UnsafeBufferPointer(network.gradients), learningRate: learningRate,
                         threads: network.threads)
        return StepResult(loss: loss, utterances: utterances, frames: frames, infeasible: infeasible, gradientNorm: norm, applied: true)
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
