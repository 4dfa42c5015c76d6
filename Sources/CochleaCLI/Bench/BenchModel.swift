import ArgumentParser
import CochleaCore
import CochleaLinalg
import CochleaNN
import Foundation

/// Training-step and inference speed of the BiLSTM network, beside PyTorch from the same run.
struct BenchModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "BiLSTM-CTC training step (frames/s) and inference latency beside PyTorch.")

    @Option(help: "Hidden units per direction (repeat to measure several).")
    var hidden: [Int] = [128, 256]
    @Option(help: "LSTM layers.")
    var layers = 2
    @Option(help: "Batch size of the training step.")
    var batch = 32
    @Option(help: "Frames per utterance.")
    var frames = 100
    @Option(help: "Timed training steps (median reported).")
    var steps = 7
    @Option(help: "Threads (the two LSTM directions run concurrently with 2).")
    var threads = 2
    @OptionGroup var peers: PeerArguments

    func run() throws {
        BLASThreads.count = 1
        let (d, c) = (39, 29)
        for h in hidden {
            let shape = NetworkShape(inputSize: d, hiddenSize: h, layers: layers, classes: c)
            let network = AcousticNetwork<Float>(shape: shape, seed: 1)
            network.threads = threads
            var random = SeededRandom(seed: 2)
            let input = (0..<(frames * batch * d)).map { _ in Float(random.nextGaussian()) }
            let lengths = [Int](repeating: frames, count: batch)
            let dLogits = [Float](repeating: 0.001, count: frames * batch * c)
            let adam = Adam<Float>(count: network.layout.count, options: AdamOptions())
            let time = input.withUnsafeBufferPointer { x in
                Stopwatch.median(repeats: steps, warmup: 2) {
                    network.zeroGradients()
                    _ = network.forward(input: x.baseAddress!, steps: frames, batch: batch, lengths: lengths, training: true)
                    network.backward(logitGradient: dLogits)
                    adam.update(parameters: network.parameters, gradients: UnsafeBufferPointer(network.gradients))
                }
            }
            print(String(format: "H %d: training step %.1f ms, %.0f frames/s", h, time * 1000, Double(frames * batch) / time))
        }
    }
}
