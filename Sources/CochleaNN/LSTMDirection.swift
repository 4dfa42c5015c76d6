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

/// What the forward pass of one direction keeps for its backward pass. Frame rows are packed
/// (see `PackedBatch`): [N, ·] for the batch's N real frames.
struct LSTMState<T: Real> {
    /// [N, 4H]: gate activations i, f, g, o after forward; overwritten by the gate
    /// pre-activation gradients during backward.
    let gates: UnsafeMutablePointer<T>
    /// [N, H] cell states c_t.
    let cells: UnsafeMutablePointer<T>
    /// [N, H] tanh(c_t) after forward; once backward's recurrence no longer needs it, each row's
    /// h_{t−1} (zero where the utterance starts), aligned with its gate rows for the one W_hh
    /// gradient product.
    let tanhCells: UnsafeMutablePointer<T>
    /// [B, H] scratch for the gradients flowing back into h_{t−1} and c_{t−1}.
    let hiddenGradient: UnsafeMutablePointer<T>
    let cellGradient: UnsafeMutablePointer<T>
    /// [H] zeros: the cell state before the first frame.
    let zeros: UnsafeMutablePointer<T>
}

/// The packed batch's layout as one direction's kernels see it, and which direction this is.
struct LSTMBatch {
    /// T, the padded number of frames.
    let steps: Int
    /// H.
    let hidden: Int
    /// [T + 1] `PackedBatch.offsets`: frame t's rows, its running utterances longest first.
    let offsets: UnsafePointer<Int>
    /// 0: forward in time, 1: reverse (each utterance starts at its own last frame, as with
    /// PyTorch's packed sequences).
    let direction: Int

    /// N, the real frames of the batch.
    var rows: Int { offsets[steps] }
    /// Frame t's first packed row.
    @inline(__always) func start(_ t: Int) -> Int { offsets[t] }
    /// The utterances still running at frame t.
    @inline(__always) func liveRows(_ t: Int) -> Int { offsets[t + 1] - offsets[t] }
    /// Frame processed at step s.
    @inline(__always) func frame(_ s: Int) -> Int { direction == 0 ? s : steps - 1 - s }
    /// The frame whose state feeds frame t, or nil at the start.
    @inline(__always) func previous(_ t: Int) -> Int? {
        direction == 0 ? (t > 0 ? t - 1 : nil) : (t < steps - 1 ? t + 1 : nil)
    }
    /// Frame t's rows that continue a state from `previous(t)`, a prefix: forward in time all of
    /// them (after the first frame); in reverse those that were already running at t + 1, the
    /// others start there.
    @inline(__always) func carriedRows(_ t: Int) -> Int {
        previous(t).map { min(liveRows(t), liveRows($0)) } ?? 0
    }
}

/// One direction of one LSTM layer: forward and backward side by side, on packed frames. These
/// are kernels: every buffer is passed in, nothing is allocated, and every matrix product is one
/// `gemm` (a single carried row's recurrent product, given W_hhᵀ, one `gemv`).
enum LSTMDirection<T: Real> {
    /// Computes h_t for all frames into this direction's half of `output` ([N, 2H], columns
    /// d·H..<(d+1)·H) from `input` [N, D].
    static func forward(input: UnsafePointer<T>, inputWidth: Int, output: UnsafeMutablePointer<T>,
                        weights: LSTMWeights<T>, state: LSTMState<T>, batch: LSTMBatch) {
        let h = batch.hidden, g4 = 4 * h, outWidth = 2 * h
        let half = output + batch.direction * h
        // Input projection of every frame in one product, biases preloaded: G = X·W_ihᵀ + b_ih + b_hh.
        for row in 0..<batch.rows {
            let g = state.gates + row * g4
            for j in 0..<g4 { g[j] = weights.inputBias[j] + weights.recurrentBias[j] }
        }
        T.gemm(transposeA: false, transposeB: true, m: batch.rows, n: g4, k: inputWidth, alpha: 1,
               a: input, lda: inputWidth, b: weights.inputWeights, ldb: inputWidth, beta: 1, c: state.gates, ldc: g4)
        for s in 0..<batch.steps {
            let t = batch.frame(s), first = batch.start(t)
            let live = batch.liveRows(t), carried = batch.carriedRows(t)
            let gates = state.gates + first * g4
            if let p = batch.previous(t), carried > 0 {
                let previousHidden = half + batch.start(p) * outWidth
                if carried == 1, let transposed = weights.recurrentTransposed {
                    T.gemvTransposed(m: h, n: g4, alpha: 1, a: transposed, lda: g4, x: previousHidden, beta: 1, y: gates)
                } else {
                    // The recurrent product for the carried rows: G_t += h_{t−1}·W_hhᵀ.
                    T.gemm(transposeA: false, transposeB: true, m: carried, n: g4, k: h, alpha: 1,
                           a: previousHidden, lda: outWidth, b: weights.recurrentWeights, ldb: h,
                           beta: 1, c: gates, ldc: g4)
                }
            }
            for row in 0..<live {
                let g = gates + row * g4
                T.sigmoid(g, count: 2 * h)
                T.tanh(g + 2 * h, count: h)
                T.sigmoid(g + 3 * h, count: h)
            }
            let cells = state.cells + first * h
            for row in 0..<live {
                let g = gates + row * g4, c = cells + row * h
                if let p = batch.previous(t), row < carried {
                    let cp = state.cells + (batch.start(p) + row) * h
                    for j in 0..<h { c[j] = g[h + j] * cp[j] + g[j] * g[2 * h + j] }
                } else {
                    for j in 0..<h { c[j] = g[j] * g[2 * h + j] }
                }
            }
            let tanhCells = state.tanhCells + first * h
            T.tanh(cells, into: tanhCells, count: live * h)
            for row in 0..<live {
                let out = half + (first + row) * outWidth
                let o = gates + row * g4 + 3 * h, tc = tanhCells + row * h
                for j in 0..<h { out[j] = o[j] * tc[j] }
            }
        }
    }

    /// Backpropagation through time. `outputGradient` is dL/dh for the layer output ([N, 2H],
    /// this direction's half is read). Leaves dL/d(gate pre-activations) in `state.gates` and adds
    /// the weight gradients; the caller turns the gate gradients into dL/dinput (see `inputGradient`).
    /// Consumes the forward pass's state (gates and tanh(c_t) are overwritten): one backward per forward.
    static func backward(input: UnsafePointer<T>, inputWidth: Int, output: UnsafePointer<T>,
                         outputGradient: UnsafePointer<T>, weights: LSTMWeights<T>, state: LSTMState<T>,
                         gradients: LSTMGradients<T>, batch: LSTMBatch) {
        let h = batch.hidden, g4 = 4 * h, outWidth = 2 * h
        let dh = state.hiddenGradient, dc = state.cellGradient
        // Rows whose dL/dh_t and dL/dc_t the step before (the next frame in processing order) left in dh, dc.
        var received = 0
        for s in stride(from: batch.steps - 1, through: 0, by: -1) {
            let t = batch.frame(s), first = batch.start(t)
            let live = batch.liveRows(t), carried = batch.carriedRows(t)
            let previous = batch.previous(t)
            let gates = state.gates + first * g4
            // The rows whose utterance ends here (in processing order) start from zero gradients.
            (dh + received * h).update(repeating: 0, count: (live - received) * h)
            (dc + received * h).update(repeating: 0, count: (live - received) * h)
            for row in 0..<live {
                let g = gates + row * g4
                let dhRow = dh + row * h, dcRow = dc + row * h
                let upstream = outputGradient + (first + row) * outWidth + batch.direction * h
                let tc = state.tanhCells + (first + row) * h
                // Where the utterance starts c_{t−1} is zero.
                let cp = previous.flatMap { row < carried ? UnsafePointer(state.cells + (batch.start($0) + row) * h) : nil }
                    ?? UnsafePointer(state.zeros)
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
            // dL/dh_{t−1} = dG_t · W_hh for the carried rows, for the next step back.
            if carried > 0 {
                T.gemm(transposeA: false, transposeB: false, m: carried, n: h, k: g4, alpha: 1,
                       a: gates, lda: g4, b: weights.recurrentWeights, ldb: h, beta: 0, c: dh, ldc: h)
            }
            received = carried
        }
        // dW_ih += dGᵀ·X over all frames in one product.
        T.gemm(transposeA: true, transposeB: false, m: g4, n: inputWidth, k: batch.rows, alpha: 1,
               a: state.gates, lda: g4, b: input, ldb: inputWidth, beta: 1, c: gradients.inputWeights, ldc: inputWidth)
        // dW_hh += Σ_t dG_tᵀ·h_{t−1}, one product once every row's h_{t−1} sits beside its gate row
        // (in tanh(c_t)'s buffer, which the recurrence above was the last to read).
        let previousHidden = state.tanhCells
        gatherPreviousHidden(output: output, into: previousHidden, batch: batch)
        T.gemm(transposeA: true, transposeB: false, m: g4, n: h, k: batch.rows, alpha: 1,
               a: state.gates, lda: g4, b: previousHidden, ldb: h, beta: 1, c: gradients.recurrentWeights, ldc: h)
        // Both biases enter every gate sum the same way, so both get the column sums of dG.
        for row in 0..<batch.rows {
            let g = state.gates + row * g4
            for j in 0..<g4 {
                gradients.inputBias[j] += g[j]
                gradients.recurrentBias[j] += g[j]
            }
        }
    }

    /// Writes each packed row's h_{t−1} (this direction's half of `output`), zero where its
    /// utterance starts, into [N, H].
    private static func gatherPreviousHidden(output: UnsafePointer<T>, into previousHidden: UnsafeMutablePointer<T>,
                                             batch: LSTMBatch) {
        let h = batch.hidden, outWidth = 2 * h
        let half = output + batch.direction * h
        for t in 0..<batch.steps {
            let first = batch.start(t), carried = batch.carriedRows(t)
            if let p = batch.previous(t) {
                for row in 0..<carried {
                    (previousHidden + (first + row) * h).update(from: half + (batch.start(p) + row) * outWidth, count: h)
                }
            }
            (previousHidden + (first + carried) * h).update(repeating: 0, count: (batch.liveRows(t) - carried) * h)
        }
    }

    /// dX (+)= dG · W_ih for the packed rows `rows` of [N, 4H] × [4H, D]: all of them, or one
    /// thread's share.
    static func inputGradient(state: LSTMState<T>, weights: LSTMWeights<T>, hidden: Int, inputWidth: Int, rows: Range<Int>,
                              into inputGradient: UnsafeMutablePointer<T>, accumulate: Bool) {
        let g4 = 4 * hidden
        T.gemm(transposeA: false, transposeB: false, m: rows.count, n: inputWidth, k: g4,
               alpha: 1, a: state.gates + rows.lowerBound * g4, lda: g4, b: weights.inputWeights, ldb: inputWidth,
               beta: accumulate ? 1 : 0, c: inputGradient + rows.lowerBound * inputWidth, ldc: inputWidth)
    }
}
