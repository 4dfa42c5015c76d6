import CFFTW
import Foundation

/// Forward (r2c) and inverse (c2r) FFTW plans of one length over one pair of buffers, planned with
/// FFTW_ESTIMATE (chosen without timing, so every run computes the same bits). Executing them is
/// the owner's business: fill `real`, run `forward`, change `spectrum`, run `inverse` (which leaves
/// `real` scaled by `length`).
final class RealTransformPair {
    let length: Int
    /// `length` real values.
    let real: UnsafeMutablePointer<Float>
    /// `length / 2 + 1` complex bins.
    let spectrum: UnsafeMutablePointer<fftwf_complex>
    let forward: fftwf_plan
    let inverse: fftwf_plan

    init(length: Int) {
        self.length = length
        real = fftwf_alloc_real(length)!
        spectrum = fftwf_alloc_complex(length / 2 + 1)!
        RealFFT.plannerLock.lock()
        forward = fftwf_plan_dft_r2c_1d(Int32(length), real, spectrum, UInt32(FFTW_ESTIMATE))!
        inverse = fftwf_plan_dft_c2r_1d(Int32(length), spectrum, real, UInt32(FFTW_ESTIMATE))!
        RealFFT.plannerLock.unlock()
    }

    deinit {
        RealFFT.plannerLock.lock()
        fftwf_destroy_plan(forward)
        fftwf_destroy_plan(inverse)
        RealFFT.plannerLock.unlock()
        fftwf_free(real)
        fftwf_free(spectrum)
    }
}
