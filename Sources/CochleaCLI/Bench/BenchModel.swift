import ArgumentParser
import CochleaCore
import CochleaFeatures
import CochleaLinalg
import CochleaNN
import CochleaTraining
import Foundation

/// Training-step and inference speed of the BiLSTM-CTC model, beside PyTorch from the same run.
struct BenchModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "BiLSTM-CTC training step (frames/s), inference latency and peak memory beside PyTorch.",
        discussion: "The peer's settings: 39 inputs, 29 classes, batch 32 × 100 frames, labels of 5 to 10, Adam.")

    @Option(help: "Hidden units per direction (repeat to measure several).")
    var hidden: [Int] = [128, 256]
    @Option(help: "LSTM layers.")
    var layers = 2
    @Option(help: "Batch size of the training step.")
    var batch = 32
    @Option(help: "Frames per utterance.")
    var frames = 100
    @Option(help: "Timed training steps (the median is reported).")
    var steps = 9
    @Option(help: "Timed batch-1 inferences (the median is reported).")
    var inferences = 30
    @Option(help: "Threads (the two LSTM directions run concurrently with 2).")
    var threads = 2
    @OptionGroup var peers: PeerArguments

    func validate() throws {
        try Bench.requirePositive(["layers": layers, "batch": batch, "frames": frames, "steps": steps, "inferences": inferences])
        try Job.check(threads: threads)
        for size in hidden {
            try Bench.checkTrainingStep(NetworkShape(inputSize: 39, hiddenSize: size, layers: layers, classes: 29), batch: batch, frames: frames)
        }
    }

    func run() throws {
        BLASThreads.count = 1
        print("BiLSTM-CTC, \(layers) layers, input 39, 29 classes, batch \(batch) × \(frames) frames, \(threads) threads")
        var ours = [Int: Double]()
        for h in hidden {
            let shape = NetworkShape(inputSize: 39, hiddenSize: h, layers: layers, classes: 29)
            let network = AcousticNetwork<Float>(shape: shape, seed: 1)
            let step = TrainingStep(network: network, optimizer: Adam(count: network.layout.count, options: AdamOptions()),
                                    clipNorm: 0, threads: threads)
            let prepared = randomBatch(seed: UInt64(h))
            let time = Stopwatch.median(repeats: steps, warmup: 2) { _ = step.run(prepared, learningRate: 1e-3, dropoutSeed: 0) }
            ours[h] = Double(batch * frames) / time
            let flops = 3.0 * forwardFlops(h) * Double(batch * frames)
            print(String(format: "  H %3d training step: %7.1f ms, %8.0f frames/s, %5.1f GFLOP/s", h, time * 1000, ours[h]!, flops / time / 1e9))
            // As a training batch after speed perturbation: lengths spread, padding in every row but
            // the longest, which the network skips (it works on the real frames only).
            let spread = spreadBatch(seed: UInt64(h) + 100)
            let real = Double(spread.lengths.reduce(0, +)), padding = 1 - real / Double(spread.lengths.count * spread.steps)
            let spreadTime = Stopwatch.median(repeats: steps, warmup: 2) { _ = step.run(spread, learningRate: 1e-3, dropoutSeed: 0) }
            print(String(format: "  H %3d training step, lengths 70–100%% of %d frames (%.0f%% padding): %8.0f real frames/s, %.2f× the full-length rate",
                         h, frames, padding * 100, real / spreadTime, real / spreadTime / ours[h]!))
            // A model as transcription loads it: prepared for inference.
            let trained = AcousticNetwork<Float>(shape: shape, parameters: network.parameterValues)
            trained.threads = threads
            trained.prepareForInference()
            let one = randomBatch(seed: 7, count: 1)
            let single = Stopwatch.median(repeats: inferences, warmup: 3) { infer(trained, one) }
            print(String(format: "  H %3d inference, one 1 s clip (100 frames), batch 1: %.2f ms", h, single * 1000))
            let many = randomBatch(seed: 8, count: 64)
            let batched = Stopwatch.median(repeats: 5, warmup: 1) { infer(trained, many) }
            print(String(format: "  H %3d inference, batch of 64 clips: %.1f ms, %.0f× real time", h, batched * 1000, 64.0 / batched))
        }
        print(String(format: "  peak resident memory of this process: %.0f MB", Stopwatch.peakMemoryMB()))
        guard !peers.noPeers else { return }
        print("\nPyTorch \(threads) thread(s), same shapes (bilstm_ctc_bench.py):")
        for h in hidden {
            guard let peer = Peers.run("bilstm_ctc_bench.py", ["--threads", "\(threads)", "--hidden", "\(h)", "--layers", "\(layers)",
                                                                "--batch", "\(batch)", "--frames", "\(frames)", "--infer-frames", "100"]),
                  let rate = Peers.number(peer, "train", "frames_per_s") else { continue }
            let latency = (Peers.number(peer, "infer", "100", "median_s") ?? .nan) * 1000
            print(String(format: "  H %3d training step: %8.0f frames/s (Cochlea %.2f×); inference 1 s clip: %.2f ms",
                         h, rate, (ours[h] ?? 0) / rate, latency))
        }
    }

    /// The forward pass to log-probabilities, as the peer times `model(x)`.
    private func infer(_ network: AcousticNetwork<Float>, _ batch: PreparedBatch) {
        batch.input.withUnsafeBufferPointer { x in
            _ = network.forward(input: x.baseAddress!, steps: batch.steps, batch: batch.lengths.count, lengths: batch.lengths)
        }
    }

    private func randomBatch(seed: UInt64, count: Int? = nil) -> PreparedBatch {
        let (features, targets) = randomUtterances(seed: seed, count: count ?? batch)
        return PreparedBatch(features: features, targets: targets)
    }

    /// `count` utterances of random features (39 wide) and labels of 5 to 10 tokens, as the peer
    /// draws them: `frames` frames each, or, with `shortest` < 1, a length drawn from
    /// `shortest`·`frames` ... `frames` for each.
    private func randomUtterances(seed: UInt64, count: Int, shortest: Double = 1) -> ([FeatureMatrix], [[Int32]]) {
        var random = SeededRandom(seed: seed)
        let features = (0..<count).map { _ in
            let length = shortest < 1 ? max(1, Int((Double(frames) * random.nextDouble(in: shortest...1)).rounded())) : frames
            return FeatureMatrix(frames: length, dims: 39, values: (0..<(length * 39)).map { _ in Float(random.nextGaussian()) })
        }
        let targets = (0..<count).map { _ in (0..<(5 + Int(random.next() % 6))).map { _ in Int32(1 + random.next() % 28) } }
        return (features, targets)
    }

    /// Utterances of 70–100% of `frames` frames, in the order drawn: the spread that speed
    /// perturbation and trimming leave in a length-bucketed batch.
    private func spreadBatch(seed: UInt64) -> PreparedBatch {
        let (features, targets) = randomUtterances(seed: seed, count: batch, shortest: 0.7)
        return PreparedBatch(features: features, targets: targets)
    }

    /// Multiply-adds ×2 of the LSTM products and the output layer per frame (the peer's count).
    private func forwardFlops(_ h: Int) -> Double {
        var f = 0.0
        for l in 0..<layers { f += 2 * 2 * 4 * Double(h) * Double((l == 0 ? 39 : 2 * h) + h) }
        return f + 2 * 2 * Double(h) * 29
    }
}
