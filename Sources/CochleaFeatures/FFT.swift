import CFFTW
import Foundation

/// A real-to-complex FFTW plan with its own aligned buffers. Planning is serialised because FFTW's
/// planner is not thread-safe; executing different plans on different threads is.
final class RealFFT {
    let length: Int
    /// `length` real inputs; callers write here before `execute()`.
    let input: UnsafeMutablePointer<Float>
    /// `length / 2 + 1` complex outputs, interleaved (re, im).
    let output: UnsafeMutablePointer<Float>
    private let plan: fftwf_plan

    private static let plannerLock = NSLock()

    init(length: Int) {
        self.length = length
        let real = fftwf_alloc_real(length)!
        let complex = fftwf_alloc_complex(length / 2 + 1)!
        RealFFT.plannerLock.lock()
        plan = fftwf_plan_dft_r2c_1d(Int32(length), real, complex, UInt32(FFTW_MEASURE))!
        RealFFT.plannerLock.unlock()
        input = real
        input.initialize(repeating: 0, count: length)
        output = UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self)
    }

    deinit {
        RealFFT.plannerLock.lock()
        fftwf_destroy_plan(plan)
        RealFFT.plannerLock.unlock()
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Transforms `input` into `output`; out-of-place r2c leaves `input` intact.
    func execute() { fftwf_execute(plan) }
}
