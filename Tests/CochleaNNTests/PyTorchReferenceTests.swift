import CochleaCTC
import CochleaCore
import CochleaLinalg
import CochleaNN
import CochleaTestSupport
import XCTest

/// Float32 against PyTorch's float64 autograd on the reference batch (Fixtures/lstm).
final class PyTorchReferenceTests: XCTestCase {
    func testLogProbabilitiesMatchPyTorch() throws {
        let reference = try ReferenceBatch()
        let network = AcousticNetwork<Float>(shape: reference.shape, parameters: reference.parameters(ParameterLayout(reference.shape)))
        let input = reference.input.map(Float.init)
        XCTAssertEqual(reference.logProbs.shape, [20, 3, 29])
        let ours = input.withUnsafeBufferPointer { x in
            Array(UnsafeBufferPointer(start: network.forward(input: x.baseAddress!, steps: 20, batch: 3, lengths: reference.lengths),
                                      count: 20 * 3 * 29))
        }
        assertClose(ours, reference.logProbs.values, absolute: 1e-5, relative: 1e-4, "log-probabilities")
    }

    /// A network prepared for inference runs a batch of one through its W_hhᵀ copies: each
    /// utterance alone must still give PyTorch's log-probabilities.
    func testPreparedNetworkMatchesPyTorchOneUtteranceAtATime() throws {
        let reference = try ReferenceBatch()
        let network = AcousticNetwork<Float>(shape: reference.shape, parameters: reference.parameters(ParameterLayout(reference.shape)))
        network.prepareForInference()
        XCTAssertTrue(network.isPreparedForInference)
        let d = reference.shape.inputSize, classes = 29, batch = 3
        for (b, length) in reference.lengths.enumerated() {
            var single = [Float](), expected = [Double]()
            for t in 0..<length {
                let row = t * batch + b
                single += reference.input[(row * d)..<((row + 1) * d)].map(Float.init)
                expected += reference.logProbs.values[(row * classes)..<((row + 1) * classes)]
            }
            let ours = single.withUnsafeBufferPointer { x in
                Array(UnsafeBufferPointer(start: network.forward(input: x.baseAddress!, steps: length, batch: 1, lengths: [length]),
                                          count: length * classes))
            }
            assertClose(ours, expected, absolute: 1e-5, relative: 1e-4, "log-probabilities of utterance \(b) alone")
        }
    }

    /// The summed CTC loss and d loss / d every parameter and the input, through CTC, the output
    /// layer and both LSTM layers (float32 against float64: about 1e-3 relative on gradients; this
    /// implementation lands near 1e-7 of each tensor's largest element).
    func testLossAndEveryGradientMatchPyTorch() throws {
        let reference = try ReferenceBatch()
        let layout = ParameterLayout(reference.shape)
        let network = AcousticNetwork<Float>(shape: reference.shape, parameters: reference.parameters(layout))
        let input = reference.input.map(Float.init)
        let batch = CTCBatch(frames: 20, inputLengths: reference.lengths, targets: reference.targets.map(Int32.init),
                             targetLengths: reference.targetLengths)
        var inputGradient = [Float](repeating: 0, count: input.count)
        let result = input.withUnsafeBufferPointer { x -> CTCResult in
            let lp = network.forward(input: x.baseAddress!, steps: 20, batch: 3, lengths: reference.lengths)
            let logProbs = Array(UnsafeBufferPointer(start: lp, count: 20 * 3 * 29))
            let ctc = CTCLoss(classes: 29)(logProbs: logProbs, batch: batch)
            network.zeroGradients()
            inputGradient.withUnsafeMutableBufferPointer { network.backward(logitGradient: ctc.gradient, inputGradient: $0.baseAddress!) }
            return ctc
        }
        XCTAssertEqual(result.totalLoss, reference.loss, accuracy: 1e-4 * reference.loss, "summed CTC loss")
        for entry in layout.entries {
            let expected = try XCTUnwrap(reference.gradients.tensors[entry.name], entry.name)
            XCTAssertEqual(expected.shape, entry.shape)
            let ours = Array(network.gradient(entry.name)!)
            // Relative to each tensor's scale: tiny elements of a gradient cannot carry 1e-3 relative in float32.
            let scale = expected.values.map(abs).max()!
            assertClose(ours, expected.values, absolute: 1e-4 * scale, relative: 1e-3, "d loss / d \(entry.name)")
        }
        let expectedInput = try Fixtures.npy("lstm/input_grad.npy").values
        assertClose(inputGradient, expectedInput, absolute: 1e-4 * expectedInput.map(abs).max()!, relative: 1e-3, "d loss / d input")
    }
}

final class NetworkPropertyTests: XCTestCase {
    func randomBatch(steps: Int, lengths: [Int], width: Int, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        var x = (0..<(steps * lengths.count * width)).map { _ in Float(random.nextGaussian()) }
        for t in 0..<steps { for b in lengths.indices where t >= lengths[b] { for d in 0..<width { x[(t * lengths.count + b) * width + d] = 0 } } }
        return x
    }

    /// Runs forward and a weighted-loss backward; returns log-probs and parameter gradients.
    func run(_ network: AcousticNetwork<Float>, _ x: [Float], steps: Int, lengths: [Int], lossWeights: [Float]) -> ([Float], [Float]) {
        network.zeroGradients()
        let batch = lengths.count, classes = network.shape.classes
        return x.withUnsafeBufferPointer { input in
            let lp = network.forward(input: input.baseAddress!, steps: steps, batch: batch, lengths: lengths, training: true, dropoutSeed: 1)
            let logProbs = Array(UnsafeBufferPointer(start: lp, count: steps * batch * classes))
            let dLogits = weightedLossLogitGradient(lp, lossWeights, steps: steps, batch: batch, classes: classes, lengths: lengths)
            network.backward(logitGradient: dLogits)
            return (logProbs, network.gradientValues)
        }
    }

    func testBatchedEqualsOneByOne() {
        let shape = NetworkShape(inputSize: 6, hiddenSize: 8, layers: 2, classes: 7)
        let lengths = [9, 4, 1, 7], steps = 9
        let x = randomBatch(steps: steps, lengths: lengths, width: 6, seed: 2)
        var random = SeededRandom(seed: 8)
        let w = (0..<(steps * 4 * 7)).map { _ in Float(random.nextGaussian()) }
        let network = AcousticNetwork<Float>(shape: shape, seed: 3)
        let (batched, batchedGradients) = run(network, x, steps: steps, lengths: lengths, lossWeights: w)
        var summed = [Float](repeating: 0, count: network.layout.count)
        for (b, length) in lengths.enumerated() {
            var single = [Float](), singleWeights = [Float]()
            for t in 0..<length {
                let row = t * 4 + b
                single += x[(row * 6)..<(row * 6 + 6)]
                singleWeights += w[(row * 7)..<(row * 7 + 7)]
            }
            let (logProbs, gradients) = run(network, single, steps: length, lengths: [length], lossWeights: singleWeights)
            for t in 0..<length {
                for c in 0..<7 {
                    XCTAssertEqual(logProbs[t * 7 + c], batched[(t * 4 + b) * 7 + c], accuracy: 1e-5, "utterance \(b) frame \(t)")
                }
            }
            for i in summed.indices { summed[i] += gradients[i] }
        }
        for i in summed.indices {
            XCTAssertEqual(summed[i], batchedGradients[i], accuracy: 1e-4 * max(1, abs(summed[i])), "parameter \(i)")
        }
    }

    /// The network packs a batch's real frames longest first whatever the batch's order: the same
    /// utterances sorted and shuffled give every utterance the same log-probabilities and the same
    /// summed gradients, for both directions and both layers.
    func testBatchOrderDoesNotChangeResults() {
        let shape = NetworkShape(inputSize: 6, hiddenSize: 8, layers: 2, classes: 7)
        let sortedLengths = [9, 7, 4, 1], order = [2, 0, 3, 1], steps = 9
        let shuffledLengths = order.map { sortedLengths[$0] }
        let x = randomBatch(steps: steps, lengths: sortedLengths, width: 6, seed: 4)
        var random = SeededRandom(seed: 9)
        let w = (0..<(steps * 4 * 7)).map { _ in Float(random.nextGaussian()) }
        // Row b of the shuffled batch is row order[b] of the sorted one, at every frame.
        func shuffle(_ values: [Float], width: Int) -> [Float] {
            var out = values
            for t in 0..<steps { for b in 0..<4 {
                let from = (t * 4 + order[b]) * width, to = (t * 4 + b) * width
                out.replaceSubrange(to..<(to + width), with: values[from..<(from + width)])
            } }
            return out
        }
        let network = AcousticNetwork<Float>(shape: shape, seed: 5)
        let (sorted, sortedGradients) = run(network, x, steps: steps, lengths: sortedLengths, lossWeights: w)
        let (shuffled, shuffledGradients) = run(network, shuffle(x, width: 6), steps: steps, lengths: shuffledLengths,
                                                lossWeights: shuffle(w, width: 7))
        let expected = shuffle(sorted, width: 7)
        for i in expected.indices { XCTAssertEqual(shuffled[i], expected[i], accuracy: 1e-5, "log-probability \(i)") }
        for i in sortedGradients.indices {
            XCTAssertEqual(shuffledGradients[i], sortedGradients[i], accuracy: 1e-5 * max(1, abs(sortedGradients[i])), "parameter \(i)")
        }
    }

    func testTwoThreadsGiveBitIdenticalResults() {
        let shape = NetworkShape(inputSize: 5, hiddenSize: 12, layers: 3, classes: 6)
        let lengths = [11, 6, 9], steps = 11
        let x = randomBatch(steps: steps, lengths: lengths, width: 5, seed: 4)
        let w = [Float](repeating: 0.5, count: steps * 3 * 6)
        let one = AcousticNetwork<Float>(shape: shape, seed: 1), two = AcousticNetwork<Float>(shape: shape, seed: 1)
        one.threads = 1
        two.threads = 2
        one.dropout = 0.2
        two.dropout = 0.2
        let a = run(one, x, steps: steps, lengths: lengths, lossWeights: w)
        let b = run(two, x, steps: steps, lengths: lengths, lossWeights: w)
        XCTAssertEqual(a.0, b.0)
        XCTAssertEqual(a.1, b.1)
    }

    /// The W_hhᵀ copies change only how a batch of one is multiplied, and training drops them (it
    /// changes the weights they copy).
    func testInferenceCopiesGiveTheSameOutputAndTrainingDropsThem() {
        let shape = NetworkShape(inputSize: 5, hiddenSize: 12, layers: 2, classes: 6)
        let x = randomBatch(steps: 13, lengths: [13], width: 5, seed: 6)
        let plain = AcousticNetwork<Float>(shape: shape, seed: 4), prepared = AcousticNetwork<Float>(shape: shape, seed: 4)
        prepared.prepareForInference()
        func forward(_ network: AcousticNetwork<Float>) -> [Float] {
            x.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: network.forward(input: $0.baseAddress!, steps: 13, batch: 1, lengths: [13]), count: 13 * 6)) }
        }
        let expected = forward(plain)
        for (ours, theirs) in zip(forward(prepared), expected) { XCTAssertEqual(ours, theirs, accuracy: 1e-6) }
        _ = run(prepared, x, steps: 13, lengths: [13], lossWeights: [Float](repeating: 1, count: 13 * 6))
        XCTAssertFalse(prepared.isPreparedForInference)
        // Changed weights, copied again: the copies follow them.
        for i in prepared.parameters.indices { prepared.parameters[i] *= 0.5 }
        prepared.prepareForInference()
        let halved = AcousticNetwork<Float>(shape: shape, parameters: prepared.parameterValues)
        for (ours, theirs) in zip(forward(prepared), forward(halved)) { XCTAssertEqual(ours, theirs, accuracy: 1e-6) }
    }

    func testPaddedFramesGiveZeroRows() {
        let network = AcousticNetwork<Float>(shape: NetworkShape(inputSize: 2, hiddenSize: 3, layers: 1, classes: 4), seed: 1)
        let x = randomBatch(steps: 5, lengths: [5, 2], width: 2, seed: 1)
        let lp = x.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: network.forward(input: $0.baseAddress!, steps: 5, batch: 2, lengths: [5, 2]), count: 40)) }
        for t in 2..<5 { XCTAssertEqual(Array(lp[((t * 2 + 1) * 4)..<((t * 2 + 1) * 4 + 4)]), [0, 0, 0, 0]) }
        // Active rows are log-distributions.
        XCTAssertEqual(lp[0..<4].map { exp(Double($0)) }.reduce(0, +), 1, accuracy: 1e-5)
    }
}

final class DropoutStateTests: XCTestCase {
    /// A forward pass without dropout right after a training pass with it must not read the
    /// training pass's dropped activations (it did once: validation WER rose while training loss fell).
    func testInferenceAfterTrainingIgnoresTheDropoutBuffers() {
        let shape = NetworkShape(inputSize: 4, hiddenSize: 6, layers: 3, classes: 5)
        let trained = AcousticNetwork<Float>(shape: shape, seed: 2)
        trained.dropout = 0.5
        var random = SeededRandom(seed: 1)
        let x = (0..<(7 * 2 * 4)).map { _ in Float(random.nextGaussian()) }
        x.withUnsafeBufferPointer { input in
            _ = trained.forward(input: input.baseAddress!, steps: 7, batch: 2, lengths: [7, 5], training: true, dropoutSeed: 9)
            let afterTraining = Array(UnsafeBufferPointer(start: trained.forward(input: input.baseAddress!, steps: 7, batch: 2, lengths: [7, 5]), count: 70))
            let fresh = AcousticNetwork<Float>(shape: shape, parameters: trained.parameterValues)
            let clean = Array(UnsafeBufferPointer(start: fresh.forward(input: input.baseAddress!, steps: 7, batch: 2, lengths: [7, 5]), count: 70))
            XCTAssertEqual(afterTraining, clean)
        }
    }
}
