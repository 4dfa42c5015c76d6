import CochleaLinalg

/// Every buffer a forward and backward pass needs for batches up to `capacity` (T × B frames),
/// allocated once and reused, so nothing is allocated while the network runs. Frame rows are
/// packed (`PackedBatch`, N ≤ T·B rows) but for `logProbs`, which callers read padded.
final class Workspace<T: Real> {
    let shape: NetworkShape
    /// Frames (T·B) the buffers hold.
    let capacity: Int
    /// B the per-step scratch holds.
    let batchCapacity: Int
    /// [N, D]: the input's real frames.
    let packedInput: UnsafeMutablePointer<T>
    /// Per layer: [N, 2H] outputs of both directions.
    let outputs: [UnsafeMutablePointer<T>]
    /// Per layer below the top: the outputs after dropout, the next layer's input (nil without dropout).
    let droppedOutputs: [UnsafeMutablePointer<T>?]
    /// Per layer below the top: dropout's mask, already scaled by 1/(1 − p).
    let dropoutMasks: [UnsafeMutablePointer<T>?]
    /// Per layer and direction.
    let states: [[LSTMState<T>]]
    /// [N, C] log-probabilities, and [T, B, C] the same padded with zero rows, as forward returns them.
    let packedLogProbs: UnsafeMutablePointer<T>
    let logProbs: UnsafeMutablePointer<T>
    /// [N, C]: the caller's dL/dlogits, packed.
    let packedLogitGradient: UnsafeMutablePointer<T>
    /// Two [N, max(D, 2H)] buffers for gradients flowing down the stack.
    let gradientA: UnsafeMutablePointer<T>
    let gradientB: UnsafeMutablePointer<T>
    private var allocations: [UnsafeMutableRawPointer] = []

    init(shape: NetworkShape, frames: Int, batch: Int, dropout: Bool) {
        self.shape = shape
        capacity = frames
        batchCapacity = batch
        let h = shape.hiddenSize
        var allocations = [UnsafeMutableRawPointer]()
        func buffer(_ count: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            allocations.append(UnsafeMutableRawPointer(p))
            return p
        }
        packedInput = buffer(frames * shape.inputSize)
        outputs = (0..<shape.layers).map { _ in buffer(frames * 2 * h) }
        droppedOutputs = (0..<shape.layers).map { l in dropout && l < shape.layers - 1 ? buffer(frames * 2 * h) : nil }
        dropoutMasks = (0..<shape.layers).map { l in dropout && l < shape.layers - 1 ? buffer(frames * 2 * h) : nil }
        states = (0..<shape.layers).map { _ in
            (0..<2).map { _ in
                LSTMState(gates: buffer(frames * 4 * h), cells: buffer(frames * h), tanhCells: buffer(frames * h),
                          hiddenGradient: buffer(batch * h), cellGradient: buffer(batch * h), zeros: buffer(h))
            }
        }
        packedLogProbs = buffer(frames * shape.classes)
        logProbs = buffer(frames * shape.classes)
        packedLogitGradient = buffer(frames * shape.classes)
        let width = max(shape.inputSize, 2 * h)
        gradientA = buffer(frames * width)
        gradientB = buffer(frames * width)
        self.allocations = allocations
    }

    deinit { for p in allocations { p.deallocate() } }

    /// The input of layer `l` for this batch: the layer below's outputs, after dropout when this
    /// pass applies it. (The dropout buffers outlive the pass that filled them, so whether this
    /// pass used them must be said, not inferred from their existence.)
    func layerInput(_ l: Int, dropout: Bool) -> UnsafePointer<T> {
        guard l > 0 else { return UnsafePointer(packedInput) }
        return UnsafePointer(dropout ? droppedOutputs[l - 1]! : outputs[l - 1])
    }
}
