import CSoxr

/// Band-limited sample-rate conversion through libsoxr at its "high quality" setting
/// (passband to 91% of the lower Nyquist frequency, stopband attenuation above 120 dB).
public enum Resampler {
    /// Returns `samples` (mono, at `inputRate`) converted to `outputRate`.
    public static func resample(_ samples: [Float], from inputRate: Int, to outputRate: Int) throws -> [Float] {
        precondition(inputRate > 0 && outputRate > 0)
        if inputRate == outputRate || samples.isEmpty { return samples }
        let outputLength = Int((Double(samples.count) * Double(outputRate) / Double(inputRate)).rounded())
        var output = [Float](repeating: 0, count: max(outputLength, 1))
        var done = 0
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var produced = 0
        let error = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                soxr_oneshot(
                    Double(inputRate), Double(outputRate), 1,
                    input.baseAddress, input.count, &done,
                    out.baseAddress, out.count, &produced,
                    &io, &quality, nil)
            }
        }
        if let error { throw ResamplerError(detail: String(cString: error)) }
        output.removeSubrange(min(produced, outputLength)...)
        return output
    }
}

public struct ResamplerError: Error, CustomStringConvertible {
    public let detail: String
    public var description: String { "resampling failed: \(detail)" }
}
