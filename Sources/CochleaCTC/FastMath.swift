// Eight-lane exp2 and log2 for the CTC kernels. Foundation's scalar exp/log would cost most of the
// kernels' time (they run twice per extended state and frame), so these are minimax polynomials on
// SIMD8<Float>, accurate to about 2e-7 relative (exp2) and 1e-7 absolute (log2). Base 2 because
// splitting x into integer and fraction then needs no multiplication by ln 2.
//
// Written with whole-vector operations only: LLVM's vectoriser turns some other spellings (the
// standard library's pointwiseMin, lane selects, a − b·c with a scalar c) into per-lane scalar code.

typealias Lanes = SIMD8<Float>
typealias IntLanes = SIMD8<Int32>

/// Stands for log 0 in the kernels. Finite on purpose: −∞ − (−∞) would give NaN in the
/// max-subtracted log-sum-exp, while −1e30 absorbs any real log-probability and stays far from
/// overflowing even summed over thousands of frames.
let logZero: Float = -1e30

/// log2(e): the kernels keep log-probabilities in bits (base-2 logarithms).
let log2E: Float = 1.442_695_04

// Adding 1.5·2^23 rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits.
private let roundingShifter: Float = 12_582_912
private let shifterBits: Int32 = 0x4B40_0000

@inline(__always)
func bits(_ x: Lanes) -> IntLanes { unsafeBitCast(x, to: IntLanes.self) }

@inline(__always)
func floats(_ x: IntLanes) -> Lanes { unsafeBitCast(x, to: Lanes.self) }

// Lane loops like these compile to maxps/minps.
@inline(__always)
func lanewiseMax(_ a: Lanes, _ b: Lanes) -> Lanes {
    var r = a
    for i in 0..<8 { r[i] = b[i] > a[i] ? b[i] : a[i] }
    return r
}

@inline(__always)
func lanewiseMin(_ a: Lanes, _ b: Lanes) -> Lanes {
    var r = a
    for i in 0..<8 { r[i] = b[i] < a[i] ? b[i] : a[i] }
    return r
}

@inline(__always)
func horizontalMax(_ v: Lanes) -> Float {
    let four = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
    let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
    return max(two[0], two[1])
}

@inline(__always)
func horizontalSum(_ v: Lanes) -> Float {
    let four = v.lowHalf + v.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}

/// 2^x per lane for x ≤ 127; below −126 it returns 2^−126 ≈ 1.2e-38 rather than a smaller number,
/// which is invisible in a log-sum-exp whose largest term is 1.
@inline(__always)
func exp2OfNonPositive(_ x: Lanes) -> Lanes {
    // −126 keeps 2^n·p normal for every n the rounding can produce.
    let clamped = lanewiseMax(x, Lanes(repeating: -126))
    let shifted = clamped + Lanes(repeating: roundingShifter)
    let n = shifted - Lanes(repeating: roundingShifter)
    let r = clamped - n
    // 2^r on [−0.5, 0.5], degree 5 (fitted for relative error).
    var p = Lanes(repeating: 1.327_645_266_428_589_8e-3)
    p = p * r + Lanes(repeating: 9.675_541_892_647_743e-3)
    p = p * r + Lanes(repeating: 5.550_713_464_617_729e-2)
    p = p * r + Lanes(repeating: 2.402_212_023_735_046_4e-1)
    p = p * r + Lanes(repeating: 6.931_469_440_460_205e-1)
    p = p * r + Lanes(repeating: 1.000_000_119_209_289_6)
    let scale = (bits(shifted) &- shifterBits) &<< 23
    return floats(bits(p) &+ scale)
}

/// 2^x per lane for x ≤ 127; exactly 0 below −126, where 2^x leaves the normal range.
@inline(__always)
func fastExp2(_ x: Lanes) -> Lanes {
    exp2OfNonPositive(lanewiseMin(x, Lanes(repeating: 127))).replacing(with: 0, where: x .< -126)
}

/// e^x per lane for x ≤ 88; exactly 0 below about −87.3.
@inline(__always)
func fastExp(_ x: Lanes) -> Lanes { fastExp2(x * Lanes(repeating: log2E)) }

/// log2 x per lane, for positive normal x (the kernels call it on sums in [1, 3]).
@inline(__always)
func fastLog2(_ x: Lanes) -> Lanes {
    // x = 2^k·m with m in [√½, √2), by integer arithmetic alone: subtracting √½'s bit pattern
    // makes the exponent field read k.
    let tmp = bits(x) &- IntLanes(repeating: 0x3F35_04F3)
    let k = floats((tmp &>> 23) &+ shifterBits) - Lanes(repeating: roundingShifter)
    let m = floats(bits(x) &- (tmp & IntLanes(repeating: Int32(bitPattern: 0xFF80_0000))))
    // log2 m = t·Q(t²) with t = (m − 1)/(m + 1) in ±0.172, Q of degree 3 (fitted for relative error).
    let t = (m - Lanes(repeating: 1)) / (m + Lanes(repeating: 1))
    let u = t * t
    var q = Lanes(repeating: 4.317_358_434_200_287e-1)
    q = q * u + Lanes(repeating: 5.767_143_964_767_456e-1)
    q = q * u + Lanes(repeating: 9.617_988_467_216_492e-1)
    q = q * u + Lanes(repeating: 2.885_390_043_258_667)
    return t * q + k
}

/// log2(2^a + 2^b + 2^c) per lane: the largest plus log2(1 + 2^(middle − largest) +
/// 2^(smallest − largest)), two exponentials since the largest term is 1.
@inline(__always)
func logSumExp2(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes {
    let highAB = lanewiseMax(a, b), lowAB = lanewiseMin(a, b)
    let largest = lanewiseMax(highAB, c)
    let middle = lanewiseMax(lowAB, lanewiseMin(highAB, c))
    let smallest = lanewiseMin(lowAB, c)
    let sum = exp2OfNonPositive(middle - largest) + exp2OfNonPositive(smallest - largest) + Lanes(repeating: 1)
    return largest + fastLog2(sum)
}

@inline(__always)
func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always)
func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}
