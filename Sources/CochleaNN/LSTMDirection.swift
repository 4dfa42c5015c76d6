import CochleaLinalg

/// Weights of one direction of one LSTM layer, PyTorch's layout: W_ih [4H, D], W_hh [4H, H],
/// b_ih [4H], b_hh [4H], gate rows i, f, g, o.
struct LSTMWeights<T: Real> {
    let inputWeights: UnsafePointer<T>
    let recurrentWeights: UnsafePointer<T>
    let inputBias: UnsafePointer<T>
    let recurrentBias: UnsafePointer<T>
    /// W_hhᵀ [H, 4H], when the network keeps one for inference: a batch of one then takes its
    /// recurrent product as a matrix–vector product on it, which BLAS does faster than the
    /// one-row product on W_hh (2.6 against 3.3 µs at H 128 on Zen 4).
    let recurrentTransposed: UnsafePointer<T>?
}

/// Gradients of the same tensors, accumulated with +=.
struct LSTMGradients<T: Real> {
    let inputWeights: UnsafeMutablePointer<T>
    let recurrentWeights: UnsafeMutablePointer<T>
    let inputBias: UnsafeMutablePointer<T>
    let recurrentBias: UnsafeMutablePointer<T>
}

/// What the forward pass of one direction keeps for its backward pass.
struct LSTMState<T: Real> {
    /// [T, B, 4H]: gate activations i, f, g, o after forward; overwritten by the gate
    /// pre-activation gradients during backward.
    let gates: UnsafeMutablePointer<T>
    /// [T, B, H] cell states c_t, zero on padded frames.
    let cells: UnsafeMutablePointer<T>
    /// [T, B, H] tanh(c_t).
    let tanhCells: UnsafeMutablePointer<T>
    /// [B, H] scratch for the gradients flowing back into h_{t−1} and c_{t−1}.
    let hiddenGradient: UnsafeMutablePointer<T>
    let cellGradient: UnsafeMutablePointer<T>
    /// [H] zeros: the cell state before the first frame.
    let zeros: UnsafeMutablePointer<T>
}

/// The sizes and lengths of one batch, and which direction this is.
struct LSTMBatch {
    /// T, the padded number of frames.
    let steps: Int
    /// B.
    let batch: Int
    /// H.
    let hidden: Int
    /// Frames of each utterance (≤ T); frames beyond are padding, skipped with packed-sequence
    /// semantics: the reverse direction starts at each utterance's own last frame.
    let lengths: UnsafePointer<Int>
    /// 0: forward in time, 1: reverse.
    let direction: Int
    /// Whether `lengths` never increase down the batch (longest first): then the utterances still
    /// running at frame t are the rows 0..<`liveRows(t)`, and the steps' products and activations
    /// skip the rest, which are padding.
    let longestFirst: Bool

    init(steps: Int, batch: Int, hidden: Int, lengths: UnsafePointer<Int>, direction: Int) {
        (self.steps, self.batch, self.hidden, self.lengths, self.direction) = (steps, batch, hidden, lengths, direction)
        longestFirst = (1..<max(1, batch)).allSatisfy { lengths[$0] <= lengths[$0 - 1] }
    }

    /// Rows worked on at frame t: those still running when the batch is sorted longest first, else all.
    @inline(__always) func liveRows(_ t: Int) -> Int {
        guard longestFirst else { return batch }
        var live = 0
        while live < batch && lengths[live] > t { live += 1 }
        return live
    }

    /// Frame processed at step s.
    @inline(__always) func frame(_ s: Int) -> Int { direction == 0 ? s : steps - 1 - s }
    /// The frame whose state feeds frame t, or nil at the start.
    @inline(__always) func previous(_ t: Int) -> Int? {
        direction == 0 ? (t > 0 ? t - 1 : nil) : (t < steps - 1 ? t + 1 : nil)
    }
}

/// One direction of one LSTM layer: forward and backward side by side. These are kernels: every
/// buffer is passed in, nothing is allocated, and every matrix product is one `gemm` (a batch of
/// one's recurrent product, given W_hhᵀ, one `gemv`).
enum LSTMDirection<T: Real> {
    /// Computes h_t for all frames into this direction's half of `output` ([T, B, 2H], columns
    /// d·H..<(d+1)·H) from `input` [T, B, D].
    static func forward(input: UnsafePointer<T>, inputWidth: Int, output: UnsafeMutablePointer<T>,
                        weights: LSTMWeights<T>, state: LSTMState<T>, batch: LSTMBatch) {
        let (steps, b, h) = (batch.steps, batch.batch, batch.hidden)
        let g4 = 4 * h, outWidth = 2 * h
        let half = output + batch.direction * h
        // Input projection of every frame in one product, biases preloaded: G = X·W_ihᵀ + b_ih + b_hh.
        for row in 0..<(steps * b) {
            let g = state.gates + row * g4
            for j in 0..<g4 { g[j] = weights.inputBias[j] + weights.recurrentBias[j] }
        }
        T.gemm(transposeA: false, transposeB: true, m: steps * b, n: g4, k: inputWidth, alpha: 1,
               a: input, lda: inputWidth, b: weights.inputWeights, ldb: inputWidth, beta: 1, c: state.gates, ldc: g4)
        for s in 0..<steps {
            let t = batch.frame(s)
            let gates = state.gates + t * b * g4
            let previous = batch.previous(t)
            let live = batch.liveRows(t)
            if let p = previous, b == 1, let transposed = weights.recurrentTransposed {
                T.gemvTransposed(m: h, n: g4, alpha: 1, a: transposed, lda: g4, x: half + p * outWidth, beta: 1, y: gates)
            } else if let p = previous, live > 0 {
                // The recurrent product for the running rows: G_t += h_{t−1}·W_hhᵀ.
                T.gemm(transposeA: false, transposeB: true, m: live, n: g4, k: h, alpha: 1,
                       a: half + p * b * outWidth, lda: outWidth, b: weights.recurrentWeights, ldb: h,
                       beta: 1, c: gates, ldc: g4)
            }
            for row in 0..<live {
                let g = gates + row * g4
                T.sigmoid(g, count: 2 * h)
                T.tanh(g + 2 * h, count: h)
                T.sigmoid(g + 3 * h, count: h)
            }
            let cells = state.cells + t * b * h
            for row in 0..<b {
                let g = gates + row * g4, c = cells + row * h
                if t >= batch.lengths[row] {
                    c.update(repeating: 0, count: h)
                    continue
                }
                if let p = previous {
                    let cp = state.cells + (p * b + row) * h
                    for j in 0..<h { c[j] = g[h + j] * cp[j] + g[j] * g[2 * h + j] }
                } else {
                    for j in 0..<h { c[j] = g[j] * g[2 * h + j] }
                }
            }
            let tanhCells = state.tanhCells + t * b * h
            T.tanh(cells, into: tanhCells, count: live * h)
            (tanhCells + live * h).update(repeating: 0, count: (b - live) * h)
            for row in 0..<b {
                let out = half + (t * b + row) * outWidth
                if t >= batch.lengths[row] {
                    out.update(repeating: 0, count: h)
                    continue
                }
                let o = gates + row * g4 + 3 * h, tc = tanhCells + row * h
                for j in 0..<h { out[j] = o[j] * tc[j] }
            }
        }
    }

    /// Backpropagation through time. `outputGradient` is dL/dh for the layer output ([T, B, 2H],
    /// this direction's half is read). Leaves dL/d(gate pre-activations) in `state.gates` and adds
    /// the weight gradients; the caller turns the gate gradients into dL/dinput (see `inputGradient`).
    static func backward(input: UnsafePointer<T>, inputWidth: Int, output: UnsafePointer<T>,
                         outputGradient: UnsafePointer<T>, weights: LSTMWeights<T>, state: LSTMState<T>,
                         gradients: LSTMGradients<T>, batch: LSTMBatch) {
        let (steps, b, h) = (batch.steps, batch.batch, batch.hidden)
        let g4 = 4 * h, outWidth = 2 * h
        let dh = state.hiddenGradient, dc = state.cellGradient
        dh.update(repeating: 0, count: b * h)
        dc.update(repeating: 0, count: b * h)
        for s in stride(from: steps - 1, through: 0, by: -1) {
            let t = batch.frame(s)
            let previous = batch.previous(t)
            let gates = state.gates + t * b * g4
            for row in 0..<b {
                let g = gates + row * g4
                let dhRow = dh + row * h, dcRow = dc + row * h
                guard t < batch.lengths[row] else {
                    g.update(repeating: 0, count: g4)
                    dcRow.update(repeating: 0, count: h)
                    continue
                }
                let upstream = outputGradient + (t * b + row) * outWidth + batch.direction * h
                let tc = state.tanhCells + (t * b + row) * h
                // At the first frame c_{t−1} is zero; dL/dh_{t−1} of the step before is zero too.
                let cp = previous.map { UnsafePointer(state.cells + ($0 * b + row) * h) } ?? UnsafePointer(state.zeros)
                for j in 0..<h {
                    let i = g[j], f = g[h + j], gg = g[2 * h + j], o = g[3 * h + j]
                    let dhj = upstream[j] + dhRow[j]
                    let dcj = dcRow[j] + dhj * o * (1 - tc[j] * tc[j])
                    let cPrev = cp[j]
                    g[j] = dcj * gg * i * (1 - i)
                    g[h + j] = dcj * cPrev * f * (1 - f)
                    g[2 * h + j] = dcj * i * (1 - gg * gg)
                    g[3 * h + j] = dhj * tc[j] * o * (1 - o)
                    dcRow[j] = dcj * f
                }
            }
            // dL/dh_{t−1} = dG_t · W_hh, for the next step back (nothing for the rows already padding).
            if previous != nil {
                let live = batch.liveRows(t)
                if live > 0 {
                    T.gemm(transposeA: false, transposeB: false, m: live, n: h, k: g4, alpha: 1,
                           a: gates, lda: g4, b: weights.recurrentWeights, ldb: h, beta: 0, c: dh, ldc: h)
                }
                (dh + live * h).update(repeating: 0, count: (b - live) * h)
            }
        }
        let rows = steps * b
        // dW_ih += dGᵀ·X over all frames in one product.
        T.gemm(transposeA: true, transposeB: false, m: g4, n: inputWidth, k: rows, alpha: 1,
               a: state.gates, lda: g4, b: input, ldb: inputWidth, beta: 1, c: gradients.inputWeights, ldc: inputWidth)
        // dW_hh += Σ_t dG_tᵀ·h_{t−1}: the frames shifted by one against their predecessors, one product.
        if steps > 1 {
            let half = output + batch.direction * h
            let (gateStart, hiddenStart) = batch.direction == 0 ? (b, 0) : (0, b)
            T.gemm(transposeA: true, transposeB: false, m: g4, n: h, k: (steps - 1) * b, alpha: 1,
                   a: state.gates + gateStart * g4, lda: g4, b: half + hiddenStart * outWidth, ldb: outWidth,
                   beta: 1, c: gradients.recurrentWeights, ldc: h)
        }
        // Both biases enter every gate sum the same way, so both get the column sums of dG.
        for row in 0..<rows {
            let g = state.gates + row * g4
            for j in 0..<g4 {
                gradients.inputBias[j] += g[j]
                gradients.recurrentBias[j] += g[j]
            }
        }
    }

    /// dX (+)= dG · W_ih for the frame rows `rows` of [T·B, 4H] × [4H, D]: all of them, or one
    /// thread's share.
    static func inputGradient(state: LSTMState<T>, weights: LSTMWeights<T>, hidden: Int, inputWidth: Int, rows: Range<Int>,
                              into inputGradient: UnsafeMutablePointer<T>, accumulate: Bool) {
        let g4 = 4 * hidden
        T.gemm(transposeA: false, transposeB: false, m: rows.count, n: inputWidth, k: g4,
               alpha: 1, a: state.gates + rows.lowerBound * g4, lda: g4, b: weights.inputWeights, ldb: inputWidth,
               beta: accumulate ? 1 : 0, c: inputGradient + rows.lowerBound * inputWidth, ldc: inputWidth)
    }
}
