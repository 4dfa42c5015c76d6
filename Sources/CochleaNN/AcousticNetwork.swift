import CochleaCore
import CochleaLinalg
import Dispatch

/// A stacked bidirectional LSTM with a linear output layer and log-softmax, trained with
/// hand-written backpropagation through time. Parameters and their gradients live in two flat
/// buffers laid out by `ParameterLayout` (PyTorch's names and shapes), so that optimisers,
/// clipping, checkpoints and gradient averaging each handle one buffer.
///
/// Not thread-safe: one network per thread (or share `parameters` read-only between copies).
public final class AcousticNetwork<T: Real> {
    public let shape: NetworkShape
    public let layout: ParameterLayout
    /// All parameters, flat.
    public let parameters: UnsafeMutableBufferPointer<T>
    /// dL/dparameters, accumulated by `backward` until `zeroGradients()`.
    public let gradients: UnsafeMutableBufferPointer<T>
    /// 2 runs the two directions of every layer on two threads at once, and the work that mixes
    /// both directions (the output layer, dL/dinput) in two halves of the frames (OpenBLAS should
    /// then be single-threaded); 1 runs the same pieces one after the other. Results are identical
    /// either way.
    public var threads = 2
    /// Probability of zeroing a unit between LSTM layers while training (PyTorch's `dropout`).
    public var dropout: Double = 0

    /// W_hhᵀ of every layer and direction ([H, 4H] each, in layout order), while the network is
    /// prepared for inference; see `prepareForInference()`.
    private var transposedRecurrent: UnsafeMutableBufferPointer<T>?
    private var workspace: Workspace<T>?
    /// What the last forward pass saw, for backward.
    private var last: (packing: PackedBatch, dropout: Bool)?

    /// A network with PyTorch's default initialisation (every LSTM tensor uniform in ±1/√H, the
    /// output layer uniform in ±1/√(2H)), drawn from `seed`.
    public init(shape: NetworkShape, seed: UInt64) {
        self.shape = shape
        layout = ParameterLayout(shape)
        parameters = .allocate(capacity: layout.count)
        gradients = .allocate(capacity: layout.count)
        gradients.initialize(repeating: 0)
        var random = SeededRandom(seed: seed)
        let lstmBound = 1 / Double(shape.hiddenSize).squareRoot()
        let outputBound = 1 / Double(2 * shape.hiddenSize).squareRoot()
        for entry in layout.entries {
            let bound = entry.name.hasPrefix("lstm.") ? lstmBound : outputBound
            for i in entry.offset..<(entry.offset + entry.count) {
                parameters[i] = T((random.nextUnitDouble() * 2 - 1) * bound)
            }
        }
    }

    /// A network with the given parameters (in `layout` order).
    public convenience init(shape: NetworkShape, parameters values: [T]) {
        self.init(shape: shape, seed: 0)
        precondition(values.count == layout.count, "\(values.count) parameters for a layout of \(layout.count)")
        _ = parameters.update(fromContentsOf: values)
    }

    deinit {
        parameters.deallocate()
        gradients.deallocate()
        transposedRecurrent?.deallocate()
    }

    /// Keeps a transposed copy of every W_hh, so that a forward pass at batch 1 (one clip, the
    /// latency case) takes its recurrent products as matrix–vector products, about a fifth faster
    /// than as one-row matrix products. Call it once the parameters are final (a loaded model); a
    /// later change to `parameters` must call it again. `backward` drops the copies, since
    /// training changes the weights; other forward passes do not use them.
    public func prepareForInference() {
        let h = shape.hiddenSize, g4 = 4 * h
        let copies = transposedRecurrent ?? .allocate(capacity: shape.layers * 2 * g4 * h)
        for l in 0..<shape.layers {
            for d in 0..<2 {
                let source = parameters.baseAddress! + layout.lstm(layer: l, direction: d).hh
                let target = copies.baseAddress! + transposedOffset(l, d)
                for row in 0..<g4 {
                    for column in 0..<h { target[column * g4 + row] = source[row * h + column] }
                }
            }
        }
        transposedRecurrent = copies
    }

    /// Whether `prepareForInference()`'s copies are held.
    public var isPreparedForInference: Bool { transposedRecurrent != nil }

    public func zeroGradients() { gradients.update(repeating: 0) }

    /// A copy of the parameters (safe to keep after the network is gone, unlike `parameters`).
    public var parameterValues: [T] { Array(parameters) }

    /// A copy of the gradients.
    public var gradientValues: [T] { Array(gradients) }

    /// The slice of `parameters` holding the named tensor.
    public func parameter(_ name: String) -> UnsafeMutableBufferPointer<T>? {
        layout.entry(name).map { UnsafeMutableBufferPointer(rebasing: parameters[$0.offset..<($0.offset + $0.count)]) }
    }

    public func gradient(_ name: String) -> UnsafeMutableBufferPointer<T>? {
        layout.entry(name).map { UnsafeMutableBufferPointer(rebasing: gradients[$0.offset..<($0.offset + $0.count)]) }
    }

    /// Log-probabilities [T, B, C] of `input` [T, B, D] (time-major; frames past each utterance's
    /// length are padding and come out as zero rows; the network works on the real frames only,
    /// packed as in `PackedBatch`). The result points into the network's workspace and stays valid
    /// until the next call. `dropoutSeed` draws the dropout masks when training: one stream over
    /// the whole packed mask, or, with `dropoutRows`, one stream per batch member over its frames
    /// in time order, seeded by its entry there (its position in a global batch split over
    /// processes), so that a member's mask does not depend on which other members share its batch.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forward(input: UnsafePointer<T>, steps: Int, batch: Int, lengths: [Int],
                        training: Bool = false, dropoutSeed: UInt64 = 0, dropoutRows: [Int]? = nil) -> UnsafePointer<T> {
        precondition(dropoutRows.map { $0.count == batch } ?? true, "one dropout row per batch member")
        precondition(lengths.count == batch && lengths.allSatisfy { (0...steps).contains($0) }, "lengths must be in 0...T")
        let useDropout = training && dropout > 0
        let space = reserve(frames: steps * batch, batch: batch, dropout: useDropout)
        let packing = PackedBatch(steps: steps, lengths: lengths)
        last = (packing, useDropout)
        packing.pack(input, width: shape.inputSize, into: space.packedInput)
        let h = shape.hiddenSize
        packing.offsets.withUnsafeBufferPointer { offsets in
            for l in 0..<shape.layers {
                let layerInput = space.layerInput(l, dropout: useDropout)
                eachDirection { d in
                    LSTMDirection<T>.forward(
                        input: layerInput, inputWidth: shape.layerInput(l), output: space.outputs[l],
                        weights: weights(l, d), state: space.states[l][d],
                        batch: LSTMBatch(steps: steps, hidden: h, offsets: offsets.baseAddress!, direction: d))
                }
                if useDropout, l < shape.layers - 1 {
                    applyDropout(space, layer: l, packing: packing, seed: dropoutSeed &+ UInt64(l), rows: dropoutRows)
                }
            }
        }
        let top = space.outputs[shape.layers - 1]
        let classes = shape.classes
        eachHalf(of: packing.rows) { share in
            OutputLayer<T>.forward(hidden: top + share.lowerBound * 2 * h, width: 2 * h,
                                   weight: parameters.baseAddress! + layout.outputWeight,
                                   bias: parameters.baseAddress! + layout.outputBias, rows: share.count,
                                   classes: classes, logProbs: space.packedLogProbs + share.lowerBound * classes)
        }
        packing.unpack(space.packedLogProbs, width: classes, into: space.logProbs)
        return UnsafePointer(space.logProbs)
    }

    /// Adds dL/dparameters for the last forward pass, given dL/dlogits [T, B, C] (rows of padded
    /// frames are not read). With `inputGradient`, also writes dL/dinput [T, B, D], zero on padding.
    /// `gradientsReady` is called with each of `reductionSlices` as soon as its gradients are final
    /// (the top layer's with the output layer's first, layer 0's last), so that they can be summed
    /// over processes while the layers below are still being computed; backward then neither reads
    /// nor writes that slice of `gradients` again.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backward(logitGradient: UnsafePointer<T>, inputGradient: UnsafeMutablePointer<T>? = nil,
                         gradientsReady: ((Range<Int>) -> Void)? = nil) {
        guard let last, let space = workspace else { preconditionFailure("backward before forward") }
        transposedRecurrent?.deallocate()
        transposedRecurrent = nil
        let packing = last.packing
        let h = shape.hiddenSize, rows = packing.rows
        let p = parameters.baseAddress!, g = gradients.baseAddress!
        packing.pack(logitGradient, width: shape.classes, into: space.packedLogitGradient)
        // Gradient w.r.t. the top layer's outputs.
        var upstream = space.gradientA, spare = space.gradientB
        let hiddenGradient = upstream
        eachDirection { task in
            if task == 0 {
                OutputLayer<T>.parameterGradients(hidden: space.outputs[shape.layers - 1], width: 2 * h,
                                                  logitGradient: space.packedLogitGradient, rows: rows, classes: shape.classes,
                                                  weightGradient: g + layout.outputWeight, biasGradient: g + layout.outputBias)
            } else {
                OutputLayer<T>.hiddenGradient(weight: p + layout.outputWeight, width: 2 * h, logitGradient: space.packedLogitGradient,
                                              rows: rows, classes: shape.classes, into: hiddenGradient)
            }
        }
        packing.offsets.withUnsafeBufferPointer { offsets in
            for l in stride(from: shape.layers - 1, through: 0, by: -1) {
                let layerInput = space.layerInput(l, dropout: last.dropout)
                let width = shape.layerInput(l)
                eachDirection { d in
                    LSTMDirection<T>.backward(
                        input: layerInput, inputWidth: width, output: space.outputs[l], outputGradient: upstream,
                        weights: weights(l, d), state: space.states[l][d], gradients: gradientViews(l, d),
                        batch: LSTMBatch(steps: packing.steps, hidden: h, offsets: offsets.baseAddress!, direction: d))
                }
                gradientsReady?(reductionSlices[shape.layers - 1 - l])
                if l == 0 && inputGradient == nil { break }
                let target = spare
                // dX sums both directions' products, so it is split by frames rather than by direction.
                eachHalf(of: rows) { share in
                    for d in 0..<2 {
                        LSTMDirection<T>.inputGradient(state: space.states[l][d], weights: weights(l, d), hidden: h,
                                                       inputWidth: width, rows: share, into: target, accumulate: d == 1)
                    }
                    if l > 0, last.dropout, let mask = space.dropoutMasks[l - 1] {
                        for i in (share.lowerBound * width)..<(share.upperBound * width) { target[i] *= mask[i] }
                    }
                }
                swap(&upstream, &spare)
            }
        }
        if let inputGradient { packing.unpack(upstream, width: shape.inputSize, into: inputGradient) }
    }

    /// The gradient buffer in the order backward finishes it: the top LSTM layer with the output
    /// layer, then each layer below; together they cover `0..<layout.count` once.
    public var reductionSlices: [Range<Int>] {
        let starts = (0..<shape.layers).map { layout.entries[$0 * 8].offset }
        return (0..<shape.layers).reversed().map { l in starts[l]..<(l == shape.layers - 1 ? layout.count : starts[l + 1]) }
    }

    /// Runs `body` for directions (or tasks) 0 and 1, concurrently when `threads` > 1.
    private func eachDirection(_ body: (Int) -> Void) {
        if threads > 1 {
            DispatchQueue.concurrentPerform(iterations: 2, execute: body)
        } else {
            body(0)
            body(1)
        }
    }

    /// Runs `body` for the two halves of `0..<count`, concurrently when `threads` > 1. The halves
    /// are the same with one thread, so results do not depend on the thread count.
    private func eachHalf(of count: Int, _ body: (Range<Int>) -> Void) {
        let middle = count / 2
        eachDirection { body($0 == 0 ? 0..<middle : middle..<count) }
    }

    private func reserve(frames: Int, batch: Int, dropout: Bool) -> Workspace<T> {
        if let space = workspace, space.capacity >= frames, space.batchCapacity >= batch,
           !dropout || space.droppedOutputs.first.flatMap({ $0 }) != nil || shape.layers == 1 {
            return space
        }
        let space = Workspace<T>(shape: shape, frames: max(frames, workspace?.capacity ?? 0),
                                 batch: max(batch, workspace?.batchCapacity ?? 0), dropout: dropout)
        workspace = space
        return space
    }

    /// Masks layer `l`'s outputs [N, 2H]: from one stream in memory order, or with `rows`, from
    /// one stream per batch member b (seeded by `seed` and `rows[b]`) over its frames in time order.
    private func applyDropout(_ space: Workspace<T>, layer l: Int, packing: PackedBatch, seed: UInt64, rows: [Int]?) {
        guard let mask = space.dropoutMasks[l], let dropped = space.droppedOutputs[l] else { return }
        let keep = 1 - dropout, scale = T(1 / keep)
        let out = space.outputs[l], width = 2 * shape.hiddenSize
        guard let rows else {
            var random = SeededRandom(seed: seed)
            for i in 0..<(packing.rows * width) {
                mask[i] = random.nextUnitDouble() < keep ? scale : 0
                dropped[i] = out[i] * mask[i]
            }
            return
        }
        for (position, member) in packing.members.enumerated() {
            var random = SeededRandom(seed: seed ^ (UInt64(rows[member]) &+ 1) &* 0x9E37_79B9_7F4A_7C15)
            var t = 0
            while t < packing.steps && position < packing.offsets[t + 1] - packing.offsets[t] {
                let start = (packing.offsets[t] + position) * width
                for i in start..<(start + width) {
                    mask[i] = random.nextUnitDouble() < keep ? scale : 0
                    dropped[i] = out[i] * mask[i]
                }
                t += 1
            }
        }
    }

    private func weights(_ l: Int, _ d: Int) -> LSTMWeights<T> {
        let o = layout.lstm(layer: l, direction: d), p = UnsafePointer(parameters.baseAddress!)
        return LSTMWeights(inputWeights: p + o.ih, recurrentWeights: p + o.hh, inputBias: p + o.biasIH, recurrentBias: p + o.biasHH,
                           recurrentTransposed: transposedRecurrent.map { UnsafePointer($0.baseAddress! + transposedOffset(l, d)) })
    }

    /// Where layer `l`, direction `d`'s W_hhᵀ starts in `transposedRecurrent`.
    private func transposedOffset(_ l: Int, _ d: Int) -> Int { (l * 2 + d) * 4 * shape.hiddenSize * shape.hiddenSize }

    private func gradientViews(_ l: Int, _ d: Int) -> LSTMGradients<T> {
        let o = layout.lstm(layer: l, direction: d), g = gradients.baseAddress!
        return LSTMGradients(inputWeights: g + o.ih, recurrentWeights: g + o.hh, inputBias: g + o.biasIH, recurrentBias: g + o.biasHH)
    }
}
