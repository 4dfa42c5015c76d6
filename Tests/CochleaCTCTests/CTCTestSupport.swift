import CochleaCTC
import CochleaCore
import Foundation

// Shapes: T frames, B batch, C classes (blank = 0), L target length.

/// log_softmax over each row of C values, in Float as a training pipeline would compute it.
func logSoftmax(_ logits: [Float], classes c: Int) -> [Float] {
    var out = logits
    for row in stride(from: 0, to: logits.count, by: c) {
        let slice = logits[row..<(row + c)]
        let m = slice.max()!
        let logSum = log(slice.reduce(Float(0)) { $0 + exp($1 - m) }) + m
        for k in 0..<c { out[row + k] = logits[row + k] - logSum }
    }
    return out
}

/// log_softmax over each row of C values, in Double.
func logSoftmax(_ logits: [Double], classes c: Int) -> [Double] {
    var out = logits
    for row in stride(from: 0, to: logits.count, by: c) {
        let slice = logits[row..<(row + c)]
        let m = slice.max()!
        let logSum = log(slice.reduce(0.0) { $0 + exp($1 - m) }) + m
        for k in 0..<c { out[row + k] = logits[row + k] - logSum }
    }
    return out
}

/// A random batch: logits [T, B, C] (standard normal times `sharpness`) and feasible targets.
struct RandomBatch {
    var logits: [Double]
    var batch: CTCBatch
    var classes: Int

    init(frames: Int, lengths: [Int], targetLengths: [Int], classes: Int, sharpness: Double = 1, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let b = lengths.count
        logits = (0..<(frames * b * classes)).map { _ in random.nextGaussian() * sharpness }
        // Zero the padding frames, as a padded model output would be.
        for t in 0..<frames {
            for i in 0..<b where t >= lengths[i] {
                for k in 0..<classes { logits[(t * b + i) * classes + k] = 0 }
            }
        }
        var targets = [Int32]()
        for l in targetLengths {
            for _ in 0..<l { targets.append(Int32(1 + Int(random.next() % UInt64(classes - 1)))) }
        }
        batch = CTCBatch(frames: frames, inputLengths: lengths, targets: targets, targetLengths: targetLengths)
        self.classes = classes
    }

    var logProbs: [Float] { logSoftmax(logits.map(Float.init), classes: classes) }
    var logProbsDouble: [Double] { logSoftmax(logits, classes: classes) }
}
