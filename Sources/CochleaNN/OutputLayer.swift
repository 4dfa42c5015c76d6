import CochleaLinalg

/// The linear layer to C classes and the log-softmax over them, forward and backward.
enum OutputLayer<T: Real> {
    /// logProbs[r] = log_softmax(hidden[r] · Wᵀ + b) for every row r < rows ([rows, 2H] → [rows, C]).
    static func forward(hidden: UnsafePointer<T>, width: Int, weight: UnsafePointer<T>, bias: UnsafePointer<T>,
                        rows: Int, classes: Int, logProbs: UnsafeMutablePointer<T>) {
        for r in 0..<rows { (logProbs + r * classes).update(from: bias, count: classes) }
        T.gemm(transposeA: false, transposeB: true, m: rows, n: classes, k: width, alpha: 1,
               a: hidden, lda: width, b: weight, ldb: width, beta: 1, c: logProbs, ldc: classes)
        for r in 0..<rows { logSoftmax(logProbs + r * classes, classes) }
    }

    /// In place: x ← x − max − log Σ exp(x − max).
    static func logSoftmax(_ x: UnsafeMutablePointer<T>, _ count: Int) {
        var peak = x[0]
        for c in 1..<count where x[c] > peak { peak = x[c] }
        var sum: T = 0
        for c in 0..<count { sum += T.exp(x[c] - peak) }
        let shift = peak + T.log(sum)
        for c in 0..<count { x[c] -= shift }
    }

    /// Given dL/dlogits [rows, C], adds dL/dW [C, 2H] and dL/db [C].
    static func parameterGradients(hidden: UnsafePointer<T>, width: Int, logitGradient: UnsafePointer<T>, rows: Int,
                                   classes: Int, weightGradient: UnsafeMutablePointer<T>, biasGradient: UnsafeMutablePointer<T>) {
        T.gemm(transposeA: true, transposeB: false, m: classes, n: width, k: rows, alpha: 1,
               a: logitGradient, lda: classes, b: hidden, ldb: width, beta: 1, c: weightGradient, ldc: width)
        for r in 0..<rows {
            let g = logitGradient + r * classes
            for c in 0..<classes { biasGradient[c] += g[c] }
        }
    }

    /// Writes dL/dhidden [rows, 2H] = dL/dlogits [rows, C] · W [C, 2H].
    static func hiddenGradient(weight: UnsafePointer<T>, width: Int, logitGradient: UnsafePointer<T>, rows: Int,
                               classes: Int, into hiddenGradient: UnsafeMutablePointer<T>) {
        T.gemm(transposeA: false, transposeB: false, m: rows, n: width, k: classes, alpha: 1,
               a: logitGradient, lda: classes, b: weight, ldb: width, beta: 0, c: hiddenGradient, ldc: width)
    }

    /// dL/dlogits from dL/dlogProbs for a log-softmax: g − softmax · Σ g, per row.
    static func logSoftmaxBackward(logProbs: UnsafePointer<T>, logProbGradient: UnsafePointer<T>,
                                   rows: Int, classes: Int, logitGradient: UnsafeMutablePointer<T>) {
        for r in 0..<rows {
            let lp = logProbs + r * classes, g = logProbGradient + r * classes, out = logitGradient + r * classes
            var total: T = 0
            for c in 0..<classes { total += g[c] }
            for c in 0..<classes { out[c] = g[c] - T.exp(lp[c]) * total }
        }
    }
}
