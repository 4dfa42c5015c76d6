// Shapes: T frames, C classes (blank = 0), L target length, S = 2L + 1 extended states,
// Sp = S rounded up to a multiple of 8 (the kernels work on 8 states at a time).

/// One thread's scratch memory for the CTC kernels, allocated when first needed and reused: the
/// kernels only read and write it. Grows (reallocates) only when a batch needs more frames or states
/// than any before it.
final class CTCWorkspace {
    private(set) var frameCapacity = 0
    private(set) var stateCapacity = 0

    /// [Sp] the extended label l'_s of each state: blank at even s, the target at odd s, blank in padding.
    private(set) var labels = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    /// [Sp + 8] 0 where state s may be entered from s − 2 (skipping a blank), `logZero` elsewhere.
    private(set) var skip = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [T, Sp] log2 p(l'_s at frame t) in bits, `logZero` in the padding states.
    private(set) var emissions = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [T + 1, rowStride] log2 α, each row shifted by the frame's entry of `alphaOffsets`. Row 0 is a
    /// virtual frame −1; every row starts with 8 `logZero` lanes so that s − 1 and s − 2 read as log 0.
    private(set) var alpha = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [T] what to add back to each α row to get log2 α, in bits.
    private(set) var alphaOffsets = UnsafeMutablePointer<Double>.allocate(capacity: 0)
    /// [2, rowStride] log2 β of the current and next frame, each row followed by 8 `logZero` lanes
    /// so that s + 1 and s + 2 read as log 0.
    private(set) var beta = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    /// [Sp] the posterior occupancy γ_t(s) of one frame.
    private(set) var occupancy = UnsafeMutablePointer<Float>.allocate(capacity: 0)

    init(frames: Int = 0, states: Int = 0) { reserve(frames: frames, states: states) }

    deinit { release() }

    /// Floats per α or β row for `paddedStates` (Sp) states: the row plus its 8 lanes of log 0.
    static func rowStride(paddedStates: Int) -> Int { paddedStates + 8 }

    /// Makes room for T = `frames` and Sp = `states` (a multiple of 8).
    func reserve(frames: Int, states: Int) {
        guard frames > frameCapacity || states > stateCapacity else { return }
        release()
        frameCapacity = max(frames, frameCapacity)
        stateCapacity = max(states, stateCapacity)
        let row = Self.rowStride(paddedStates: stateCapacity)
        labels = .allocate(capacity: stateCapacity)
        skip = .allocate(capacity: stateCapacity + 8)
        emissions = .allocate(capacity: frameCapacity * stateCapacity)
        alpha = .allocate(capacity: (frameCapacity + 1) * row)
        alphaOffsets = .allocate(capacity: frameCapacity)
        beta = .allocate(capacity: 2 * row)
        occupancy = .allocate(capacity: stateCapacity)
    }

    private func release() {
        labels.deallocate()
        skip.deallocate()
        emissions.deallocate()
        alpha.deallocate()
        alphaOffsets.deallocate()
        beta.deallocate()
        occupancy.deallocate()
    }
}
