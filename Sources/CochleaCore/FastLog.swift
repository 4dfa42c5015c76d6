/// Natural logarithm of eight floats at once, for the mel energies of every frame. The libm call per
/// value cost as much as the FFT. Method of Cephes' `logf`: split x = m · 2^e with m in
/// [√½, √2), then log(m) from a degree-9 polynomial in m − 1. Error within 2 ulp over the positive
/// normal floats (tested against Foundation's log).
public enum FastLog {
    @inlinable @inline(__always)
    public static func log(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        // The exponent as a float without an int-to-float conversion (which Swift scalarises):
        // 2^23 + e read as a float's mantissa, minus 2^23 + 127.
        var exponent = unsafeBitCast(((bits &>> 23) & 0xFF) | 0x4B00_0000, to: SIMD8<Float>.self) - 8_388_735
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD8<Float>.self)
        let large = m .> 1.414_213_5
        m.replace(with: m * 0.5, where: large)
        exponent.replace(with: exponent + 1, where: large)
        let f = m - 1
        let z = f * f
        var p: SIMD8<Float> = SIMD8(repeating: 7.037_683_6e-2)
        p = p * f - 1.151_461_0e-1
        p = p * f + 1.167_699_9e-1
        p = p * f - 1.242_014_1e-1
        p = p * f + 1.424_932_3e-1
        p = p * f - 1.666_805_8e-1
        p = p * f + 2.000_071_5e-1
        p = p * f - 2.499_999_4e-1
        p = p * f + 3.333_333_1e-1
        var y = p * f * z
        y += exponent * -2.121_944_4e-4
        y -= 0.5 * z
        return f + y + exponent * 0.693_359_375
    }

    /// x[i] = log(max(x[i], floor)) for i < n; `floor` must be a positive normal float.
    @inlinable
    public static func logInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int, floor: Float) {
        let lower = SIMD8<Float>(repeating: floor)
        var i = 0
        while i + 8 <= n {
            let raw = UnsafeMutableRawPointer(x + i)
            var v = raw.loadUnaligned(as: SIMD8<Float>.self)
            v.replace(with: lower, where: v .< lower)
            raw.storeBytes(of: log(v), as: SIMD8<Float>.self)
            i += 8
        }
        if i < n {
            var tail = lower
            for j in i..<n { tail[j - i] = Swift.max(x[j], floor) }
            let result = log(tail)
            for j in i..<n { x[j] = result[j - i] }
        }
    }
}
