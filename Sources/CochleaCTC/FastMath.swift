// Eight-lane exp and log for the CTC kernels. Foundation's scalar expf/logf would cost most of the
// kernels' time (they run once per extended state and frame), so these are Cephes' single-precision
// polynomials evaluated on SIMD8<Float>: about 1 ulp where the result is a normal float.

typealias Lanes = SIMD8<Float>
typealias IntLanes = SIMD8<Int32>

/// Stands for log 0 in the kernels. Finite on purpose: −∞ − (−∞) would give NaN in the
/// max-subtracted log-sum-exp, while −1e30 absorbs any real log-probability and stays far from
/// overflowing even summed over thousands of frames.
let logZero: Float = -1e30

// Rounds to an integer by adding 1.5·2^23: the integer lands in the low mantissa bits.
private let roundingShifter: Float = 12_582_912
private let shifterBits: Int32 = 0x4B40_0000

@inline(__always)
func bits(_ x: Lanes) -> IntLanes { unsafeBitCast(x, to: IntLanes.self) }

@inline(__always)
func floats(_ x: IntLanes) -> Lanes { unsafeBitCast(x, to: Lanes.self) }

@inline(__always)
func lanewiseMax(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .> a) }

/// e^x per lane; exactly 0 below −87.3, where e^x would leave the normal range.
@inline(__always)
func fastExp(_ x: Lanes) -> Lanes {
    // −87.3 keeps 2^n·y normal for every n the reduction can produce; 88 keeps it finite.
    let clamped = x.clamped(lowerBound: Lanes(repeating: -87.3), upperBound: Lanes(repeating: 88))
    let shifted = clamped * 1.442_695_04 + roundingShifter
    let n = shifted - roundingShifter
    // ln 2 split in two so that n·ln2 is exact to float precision for |n| ≤ 128.
    let r = (clamped - n * 0.693_359_375) - n * -2.121_944_4e-4
    var p: Lanes = Lanes(repeating: 1.987_569_150_0e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let y = p * (r * r) + r + 1
    let scale = (bits(shifted) &- shifterBits) &<< 23
    let result = floats(bits(y) &+ scale)
    return result.replacing(with: 0, where: x .< -87.3)
}

/// log x per lane, for positive normal x (the kernels call it on sums in [1, 3]).
@inline(__always)
func fastLog(_ x: Lanes) -> Lanes {
    let xb = bits(x)
    var exponent = (xb &>> 23) &- 127
    var m = floats((xb & 0x007F_FFFF) | 0x3F80_0000)
    // Centre the mantissa on 1 so that the polynomial's argument stays within ±0.42.
    let high = m .> 1.414_213_56
    m = m.replacing(with: m * 0.5, where: high)
    exponent = exponent.replacing(with: exponent &+ 1, where: high)
    let e = floats(exponent &+ shifterBits) - roundingShifter
    let f = m - 1
    let z = f * f
    var p: Lanes = Lanes(repeating: 7.037_683_629_2e-2)
    p = p * f - 1.151_461_031_0e-1
    p = p * f + 1.167_699_874_0e-1
    p = p * f - 1.242_014_084_6e-1
    p = p * f + 1.424_932_278_7e-1
    p = p * f - 1.666_805_766_5e-1
    p = p * f + 2.000_071_476_5e-1
    p = p * f - 2.499_999_399_3e-1
    p = p * f + 3.333_333_117_4e-1
    var y = p * f * z
    y = y + e * -2.121_944_4e-4
    y = y - z * 0.5
    return f + y + e * 0.693_359_375
}

/// log(e^a + e^b + e^c) per lane, subtracting the largest first so nothing overflows.
@inline(__always)
func logSumExp(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes {
    let m = lanewiseMax(a, lanewiseMax(b, c))
    return m + fastLog(fastExp(a - m) + fastExp(b - m) + fastExp(c - m))
}

@inline(__always)
func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always)
func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}
