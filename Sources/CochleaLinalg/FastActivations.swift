/// Sigmoid and tanh for Float, eight lanes at a time. A libm call per element cost more than the
/// LSTM's recurrent matrix product at hidden size 128. exp uses the Cephes split
/// e^x = 2^n · e^r (|r| ≤ ln2/2) with a degree-6 polynomial: within 2 ulp of libm's expf.
enum FastActivations {
    typealias Vector = SIMD8<Float>

    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        var x = x
        x.replace(with: Vector(repeating: 88.0), where: x .> 88)
        x.replace(with: Vector(repeating: -87.0), where: x .< -87)
        // n = round(x / ln 2) by the 1.5·2²³ trick: adding it leaves n in the low mantissa bits,
        // so neither rounding nor float-to-int conversion needs a (scalarised) library call.
        let magic = Vector(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        // r = x − n·ln2, with ln2 split in two for accuracy
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_1e-4)
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5.000_000_1e-1
        let y = p * r * r + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
        return y * scale
    }

    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector { 1 / (1 + exp(-x)) }

    /// tanh x = 1 − 2 / (e^{2x} + 1): exact at the saturated ends, absolute error ~1e-7 near 0.
    @inline(__always)
    static func tanh(_ x: Vector) -> Vector { 1 - 2 / (exp(x + x) + 1) }

    @inline(__always)
    static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Vector) -> Vector) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: f(v), as: Vector.self)
            i += 8
        }
        if i < count {
            var tail = Vector()
            for j in i..<count { tail[j - i] = x[j] }
            let result = f(tail)
            for j in i..<count { y[j] = result[j - i] }
        }
    }
}
