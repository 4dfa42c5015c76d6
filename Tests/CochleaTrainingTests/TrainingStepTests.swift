import CochleaCTC
import CochleaCore
import CochleaDecoding
import CochleaFeatures
import CochleaNN
import CochleaTraining
import XCTest

/// A handful of random utterances with random label sequences.
func toyBatch(seed: UInt64, count: Int = 4, dims: Int = 10, classes: Int = 6) -> (PreparedBatch, [[Int32]]) {
    var random = SeededRandom(seed: seed)
    var features = [FeatureMatrix](), targets = [[Int32]]()
    for _ in 0..<count {
        let frames = 18 + Int(random.next() % 10)
        features.append(FeatureMatrix(frames: frames, dims: dims, values: (0..<(frames * dims)).map { _ in Float(random.nextGaussian()) }))
        targets.append((0..<(3 + Int(random.next() % 3))).map { _ in Int32(1 + random.next() % UInt64(classes - 1)) })
    }
    return (PreparedBatch(features: features, targets: targets), targets)
}

final class TrainingStepTests: XCTestCase {
    /// Drives a tiny batch to near-zero loss; greedy decoding then gives every target exactly.
    func testOverfitsATinyBatchAndDecodesItExactly() {
        let (batch, targets) = toyBatch(seed: 3)
        let network = AcousticNetwork<Float>(shape: NetworkShape(inputSize: 10, hiddenSize: 24, layers: 2, classes: 6), seed: 1)
        let step = TrainingStep(network: network, optimizer: Adam(count: network.layout.count, options: AdamOptions(learningRate: 1e-2)),
                                clipNorm: 5, threads: 2)
        var losses = [Double]()
        for i in 0..<200 { losses.append(step.run(batch, learningRate: 1e-2, dropoutSeed: UInt64(i)).loss / 4) }
        XCTAssertGreaterThan(losses[0], 5, "an untrained network is far from the targets")
        XCTAssertLessThan(losses[100], losses[0] / 4, "loss falls")
        XCTAssertLessThan(losses.last!, 0.05, "loss per utterance after 200 steps")
        let (logProbs, _, _) = step.evaluate(batch)
        let decoder = GreedyDecoder(tokens: ["<blank>", "a", "b", "c", "d", "e"])
        logProbs.withUnsafeBufferPointer { lp in
            for (b, target) in targets.enumerated() {
                let utterance = LogProbabilities(values: UnsafeBufferPointer(rebasing: lp[(b * 6)...]), frames: batch.lengths[b],
                                                 classes: 6, rowStride: 4 * 6)
                let text = decoder.decode(utterance).text.replacingOccurrences(of: " ", with: "")
                XCTAssertEqual(text, target.map { decoder.tokens[Int($0)] }.joined(), "utterance \(b)")
            }
        }
    }

    /// The same seed and thread count give bit-identical weights after several steps (and so does
    /// the other thread count: the two directions never share a reduction).
    func testTrainingIsBitReproducible() {
        func train(threads: Int) -> [Float] {
            let (batch, _) = toyBatch(seed: 9)
            let network = AcousticNetwork<Float>(shape: NetworkShape(inputSize: 10, hiddenSize: 12, layers: 2, classes: 6), seed: 4)
            network.dropout = 0.2
            let step = TrainingStep(network: network, optimizer: Adam(count: network.layout.count, options: AdamOptions()),
                                    clipNorm: 1, threads: threads)
            for i in 0..<8 { _ = step.run(batch, learningRate: 3e-3, dropoutSeed: UInt64(i)) }
            return network.parameterValues
        }
        let first = train(threads: 2)
        XCTAssertEqual(first, train(threads: 2))
        XCTAssertEqual(first, train(threads: 1))
    }

    func testANonFiniteBatchIsSkippedNotApplied() {
        var (batch, _) = toyBatch(seed: 2)
        batch.input[5] = .nan
        let network = AcousticNetwork<Float>(shape: NetworkShape(inputSize: 10, hiddenSize: 8, layers: 1, classes: 6), seed: 4)
        let before = network.parameterValues
        let step = TrainingStep(network: network, optimizer: Adam(count: network.layout.count, options: AdamOptions()), clipNorm: 1, threads: 1)
        let result = step.run(batch, learningRate: 1e-3, dropoutSeed: 0)
        XCTAssertFalse(result.applied)
        XCTAssertEqual(network.parameterValues, before)
    }
}
