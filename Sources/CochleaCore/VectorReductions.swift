/// Float reductions that vectorise: Swift keeps floating-point additions in source order, so a plain
/// `for` loop summing into one accumulator runs one lane at a time. These keep eight lanes (SIMD8)
/// and add them up at the end; the result differs from sequential summation only by rounding.
public enum VectorReductions {
    /// Σ x[i], i < n.
    @inlinable @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        // Four accumulators: one would wait on the previous addition's latency every 8 floats.
        var a = SIMD8<Float>(), b = SIMD8<Float>(), c = SIMD8<Float>(), d = SIMD8<Float>()
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 32 <= n {
            a += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            b += raw.loadUnaligned(fromByteOffset: 4 * (i + 8), as: SIMD8<Float>.self)
            c += raw.loadUnaligned(fromByteOffset: 4 * (i + 16), as: SIMD8<Float>.self)
            d += raw.loadUnaligned(fromByteOffset: 4 * (i + 24), as: SIMD8<Float>.self)
            i += 32
        }
        var lanes = (a + b) + (c + d)
        while i + 8 <= n {
            lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < n { total += x[i]; i += 1 }
        return total
    }

    /// Σ x[i] · y[i], i < n.
    @inlinable @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var a = SIMD8<Float>(), b = SIMD8<Float>()
        var i = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        while i + 16 <= n {
            a += rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * ry.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            b += rx.loadUnaligned(fromByteOffset: 4 * (i + 8), as: SIMD8<Float>.self) * ry.loadUnaligned(fromByteOffset: 4 * (i + 8), as: SIMD8<Float>.self)
            i += 16
        }
        var lanes = a + b
        while i + 8 <= n {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes += a * b
            i += 8
        }
        var total = lanes.sum()
        while i < n { total += x[i] * y[i]; i += 1 }
        return total
    }

    /// Σ x[i]², i < n.
    @inlinable @inline(__always)
    public static func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float { dot(x, x, n) }

    /// The mean of x² over consecutive windows of `window` samples, the last one shorter when `x`
    /// does not fill it: a recording's loudness, window by window.
    public static func windowMeanSquares(_ x: UnsafeBufferPointer<Float>, window: Int) -> [Double] {
        precondition(window > 0, "a window holds at least one sample")
        return stride(from: 0, to: x.count, by: window).map { start in
            let count = min(window, x.count - start)
            return Double(sumOfSquares(x.baseAddress! + start, count)) / Double(count)
        }
    }

    /// The largest |x[i]| (0 for no samples): a clip's peak, by which levels relative to it are set.
    public static func peakMagnitude(_ x: [Float]) -> Float {
        x.reduce(Float(0)) { Swift.max($0, abs($1)) }
    }

    /// Σ (scale · x[i] − mean)², i < n: the energy of a frame after DC removal, read unscaled.
    @inlinable @inline(__always)
    public static func centeredSumOfSquares(_ x: UnsafePointer<Float>, _ n: Int, scale: Float, mean: Float) -> Float {
        var a = SIMD8<Float>(), b = SIMD8<Float>()
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 16 <= n {
            let p = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * scale - mean
            let q = raw.loadUnaligned(fromByteOffset: 4 * (i + 8), as: SIMD8<Float>.self) * scale - mean
            a += p * p
            b += q * q
            i += 16
        }
        var lanes = a + b
        while i + 8 <= n {
            let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) * scale - mean
            lanes += d * d
            i += 8
        }
        var total = lanes.sum()
        while i < n { let d = x[i] * scale - mean; total += d * d; i += 1 }
        return total
    }

    /// max x[i], i < n (n ≥ 1).
    @inlinable @inline(__always)
    public static func max(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var best = x[0]
        var i = 1
        if n >= 8 {
            var lanes = UnsafeRawPointer(x).loadUnaligned(as: SIMD8<Float>.self)
            i = 8
            while i + 8 <= n {
                lanes = pointwiseMax(lanes, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self))
                i += 8
            }
            best = lanes.max()
        }
        while i < n { best = Swift.max(best, x[i]); i += 1 }
        return best
    }
}
