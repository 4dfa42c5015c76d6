import COpenBLAS
import Foundation

/// The scalar types the neural layers are written for: Float for training and inference, Double
/// for finite-difference gradient checks of the very same code. Each brings its BLAS product and
/// its elementwise functions.
public protocol Real: BinaryFloatingPoint, Codable, Sendable where Self.RawSignificand: FixedWidthInteger {
    /// C ← α·op(A)·op(B) + β·C, row-major; op(X) is X or Xᵀ. C is [m, n], op(A) [m, k], op(B) [k, n].
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// y ← α·Aᵀ·x + β·y for a row-major A [m, n]: x has m elements, y has n.
    static func gemvTransposed(m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                               x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)
    /// x[i] ← σ(x[i]) = 1 / (1 + e^−x).
    static func sigmoid(_ x: UnsafeMutablePointer<Self>, count: Int)
    /// x[i] ← tanh(x[i]).
    static func tanh(_ x: UnsafeMutablePointer<Self>, count: Int)
    /// y[i] ← tanh(x[i]).
    static func tanh(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
}

extension Float: Real {
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inline(__always)
    public static func gemvTransposed(m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                                      x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    public static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) {
        FastActivations.apply(x, x, count, FastActivations.sigmoid)
    }

    public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        FastActivations.apply(x, x, count, FastActivations.tanh)
    }

    public static func tanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        FastActivations.apply(x, y, count, FastActivations.tanh)
    }

    @inline(__always) public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { Foundation.log(x) }
}

extension Double: Real {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    public static func gemvTransposed(m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                                      x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>) {
        guard n > 0 else { return }
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    public static func sigmoid(_ x: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { x[i] = 1 / (1 + Foundation.exp(-x[i])) }
    }

    public static func tanh(_ x: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { x[i] = Foundation.tanh(x[i]) }
    }

    public static func tanh(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { y[i] = Foundation.tanh(x[i]) }
    }

    @inline(__always) public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Foundation.log(x) }
}

/// OpenBLAS's own thread pool. Cochlea runs its own threads (the two LSTM directions, files in a
/// batch), so it usually keeps OpenBLAS at one thread to avoid oversubscribing the cores.
public enum BLASThreads {
    public static var count: Int {
        get { Int(openblas_get_num_threads()) }
        set {
            openblas_set_num_threads(Int32(max(1, newValue)))
            // With one thread OpenBLAS works in the caller's thread: its idle pool would only spin.
            if newValue <= 1 { stopIdleWorkers() }
        }
    }

    /// Ends OpenBLAS's idle worker threads. OpenBLAS starts them when the library is loaded, and
    /// each spins on sched_yield for about 2^28 cycles (~0.1 s) before sleeping, taking a core from
    /// commands that never call BLAS (`cochlea score` ran 10-25 % slower on two cores). Setting
    /// `count` does not stop them. A later threaded BLAS call starts them again.
    public static func stopIdleWorkers() { _ = blas_thread_shutdown_() }
}
