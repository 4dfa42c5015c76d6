import CochleaCore
import CochleaLinalg
import CochleaNN
import CochleaTestSupport
import XCTest

/// The reference batch of Fixtures/lstm: a 2-layer BiLSTM (D 39, H 16, C 29), 3 utterances of
/// lengths 20, 15, 7, with PyTorch's weights, log-probabilities, CTC loss and gradients.
struct ReferenceBatch {
    let shape = NetworkShape(inputSize: 39, hiddenSize: 16, layers: 2, classes: 29)
    let weights: SafeTensorsFile
    let gradients: SafeTensorsFile
    let input: [Double]
    let lengths: [Int]
    let targets: [Int]
    let targetLengths: [Int]
    let logProbs: NpyArray
    let loss: Double
    var steps: Int { 20 }
    var batch: Int { 3 }

    init() throws {
        weights = try SafeTensors.read(Fixtures.path("lstm/weights.safetensors"))
        gradients = try SafeTensors.read(Fixtures.path("lstm/grads.safetensors"))
        input = try Fixtures.npy("lstm/input.npy").values
        lengths = try Fixtures.npy("lstm/lengths.npy").values.map { Int($0) }
        targets = try Fixtures.npy("lstm/targets.npy").values.map { Int($0) }
        targetLengths = try Fixtures.npy("lstm/target_lengths.npy").values.map { Int($0) }
        logProbs = try Fixtures.npy("lstm/log_probs.npy")
        loss = try Fixtures.npy("lstm/loss.npy").values[0]
    }

    /// The reference weights in layout order.
    func parameters<T: Real>(_ layout: ParameterLayout) -> [T] {
        layout.entries.flatMap { entry -> [T] in
            let tensor = weights.tensors[entry.name]!
            precondition(tensor.shape == entry.shape, "\(entry.name): \(tensor.shape) vs \(entry.shape)")
            return tensor.values.map { T($0) }
        }
    }
}

/// A smooth test loss over log-probabilities: L = Σ_active w · logp, whose gradient w.r.t. the
/// logits goes through the log-softmax backward.
func weightedLoss<T: Real>(_ logProbs: UnsafePointer<T>, _ weights: [T], steps: Int, batch: Int, classes: Int, lengths: [Int]) -> T {
    var total: T = 0
    for t in 0..<steps {
        for b in 0..<batch where t < lengths[b] {
            for c in 0..<classes {
                let i = (t * batch + b) * classes + c
                total += weights[i] * logProbs[i]
            }
        }
    }
    return total
}

/// dL/dlogits of `weightedLoss`: w − softmax · Σw per active row, zero on padding.
func weightedLossLogitGradient<T: Real>(_ logProbs: UnsafePointer<T>, _ weights: [T], steps: Int, batch: Int,
                                        classes: Int, lengths: [Int]) -> [T] {
    var gradient = [T](repeating: 0, count: steps * batch * classes)
    for t in 0..<steps {
        for b in 0..<batch where t < lengths[b] {
            let base = (t * batch + b) * classes
            var total: T = 0
            for c in 0..<classes { total += weights[base + c] }
            for c in 0..<classes { gradient[base + c] = weights[base + c] - T.exp(logProbs[base + c]) * total }
        }
    }
    return gradient
}
