import Foundation

extension WindowType {
    /// The window's `length` coefficients, as Kaldi's `FeatureWindowFunction` computes them.
    func coefficients(length: Int, blackmanCoeff: Double) -> [Float] {
        let a = 2 * Double.pi / Double(length - 1)
        return (0..<length).map { i in
            let x = Double(i)
            switch self {
            case .hanning: return Float(0.5 - 0.5 * cos(a * x))
            case .hamming: return Float(0.54 - 0.46 * cos(a * x))
            case .povey: return Float(pow(0.5 - 0.5 * cos(a * x), 0.85))
            case .rectangular: return 1
            case .blackman: return Float(blackmanCoeff - 0.5 * cos(a * x) + (0.5 - blackmanCoeff) * cos(2 * a * x))
            }
        }
    }
}

/// Kaldi's type-II DCT matrix (`ComputeDctMatrix`), orthonormal, keeping the first `rows` of `columns`.
/// Row-major [rows, columns].
func dctMatrix(rows: Int, columns: Int) -> [Float] {
    var matrix = [Float](repeating: 0, count: rows * columns)
    let n = Double(columns)
    for k in 0..<rows {
        let scale = k == 0 ? (1 / n).squareRoot() : (2 / n).squareRoot()
        for j in 0..<columns {
            matrix[k * columns + j] = Float(scale * cos(Double.pi / n * (Double(j) + 0.5) * Double(k)))
        }
    }
    return matrix
}

/// Kaldi's cepstral lifter: c[i] · (1 + Q/2 · sin(π i / Q)).
func lifterCoefficients(count: Int, q: Double) -> [Float] {
    (0..<count).map { i in q == 0 ? 1 : Float(1 + 0.5 * q * sin(Double.pi * Double(i) / q)) }
}
