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

    /// FFTW's planner is not thread-safe: every plan of the module is made and destroyed under it.
    static let plannerLock = NSLock()
    private nonisolated(unsafe) static var wisdomLoaded = false

    /// FFTW's choice of algorithm, fixed: planning by measurement (FFTW_MEASURE) picks by timing,
    /// so two launches could pick differently and compute features that differ in the last bit,
    /// which broke bit-identical resumes about one launch in eight. This wisdom, made once with
    /// FFTW_PATIENT on an AMD EPYC (AVX2 codelets, no AVX-512, so every x86-64 CPU with AVX can use
    /// it) for 256 to 2048 points, is what every launch plans from; a size or CPU it does not cover
    /// falls back to FFTW_ESTIMATE, which is deterministic too (about 12% slower for MFCC).
    static let wisdom = """
(fftw-3.3.10 fftwf_wisdom #x9e7d4dee #xdb14fed1 #x34bf76a4 #xeb6e8fdf
  (fftwf_codelet_hc2cfdft_2 0 #x11048 #x11048 #x0 #x3f67885c #x1d118905 #x1b4c027b #x7ecffc87)
  (fftwf_codelet_r2cf_8 2 #x11048 #x11048 #x0 #xa8e723ad #x5577b756 #x19ace181 #xf0b6f4b2)
  (fftwf_codelet_n2fv_64_avx 0 #x11048 #x11048 #x0 #xdae94766 #xa548e347 #x8a9a261b #xff2066cd)
  (fftwf_dft_vrank_geq1_register 0 #x11048 #x11048 #x0 #x1d5f8951 #x83ff8a7f #x97795bcc #x27178c7e)
  (fftwf_codelet_r2cf_2 2 #x11048 #x11048 #x0 #x52d4cebb #x3d61daaa #x6b7f5c22 #x0a343c15)
  (fftwf_codelet_r2cfII_8 2 #x11048 #x11048 #x0 #x76fa2a50 #xf4668261 #xbf8b003e #xbfa64206)
  (fftwf_codelet_r2cf_8 2 #x11048 #x11048 #x0 #xe75b944c #x09ac1906 #x449b29ce #x7b6666b0)
  (fftwf_codelet_hc2cfdftv_8_sse2 0 #x11048 #x11048 #x0 #x85773c49 #x9a968ccc #xbd37e819 #xac77e6a4)
  (fftwf_codelet_r2cf_8 2 #x11048 #x11048 #x0 #xaae37515 #xc366903c #xc804fee2 #x44fc70a7)
  (fftwf_codelet_t2fv_64_avx 0 #x11048 #x11048 #x0 #xfeec02f8 #xbbf06357 #xb26e7a2b #xf7b9dcb8)
  (fftwf_codelet_n2fv_32_avx 0 #x11048 #x11048 #x0 #x12d24524 #x289b57fa #x2bd8cbf3 #xaac91103)
  (fftwf_codelet_r2cfII_2 2 #x11048 #x11048 #x0 #x0f9bbec4 #xaf177e66 #xae9fc9cb #x69add438)
  (fftwf_codelet_r2cfII_8 2 #x11048 #x11048 #x0 #x9b71d905 #x7d7faf81 #x09c45860 #x2a522386)
  (fftwf_codelet_n2fv_8_avx 0 #x11048 #x11048 #x0 #x3f177dac #xd6bae8fd #xec314547 #x95908075)
  (fftwf_codelet_hc2cfdftv_8_sse2 0 #x11048 #x11048 #x0 #x4bb69ce7 #x4599107c #x14ecc846 #x282ba2c3)
  (fftwf_codelet_hc2cfdftv_8_sse2 0 #x11048 #x11048 #x0 #xc447d79d #x3bb36c12 #x2e7c8386 #xc241521c)
  (fftwf_codelet_n2fv_64_avx 0 #x11048 #x11048 #x0 #x03406dff #xc8fa0a2c #x62a9a61e #xa394d874)
  (fftwf_codelet_t2fv_4_avx 0 #x11048 #x11048 #x0 #xb0bde699 #x3baa1ac0 #xdbbed5b2 #x3b1456c3)
  (fftwf_codelet_r2cfII_8 2 #x11048 #x11048 #x0 #x23fb2e26 #x3fe4d3f4 #x78d7c0db #xaba9deb1)
)
"""

    init(length: Int) {
        self.length = length
        let real = fftwf_alloc_real(length)!
        let complex = fftwf_alloc_complex(length / 2 + 1)!
        RealFFT.plannerLock.lock()
        if !RealFFT.wisdomLoaded {
            _ = fftwf_import_wisdom_from_string(RealFFT.wisdom)
            RealFFT.wisdomLoaded = true
        }
        plan = fftwf_plan_dft_r2c_1d(Int32(length), real, complex, UInt32(FFTW_MEASURE | FFTW_WISDOM_ONLY))
            ?? fftwf_plan_dft_r2c_1d(Int32(length), real, complex, UInt32(FFTW_ESTIMATE))!
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
