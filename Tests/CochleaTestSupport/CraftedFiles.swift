import Foundation

/// Hand-made files with exactly the fields a test wants broken.
public enum CraftedFiles {
    /// A RIFF/WAVE file with the given header fields, whatever their sense, and `data` as samples.
    public static func wav(rate: UInt32 = 16_000, channels: UInt16 = 1, bits: UInt16 = 16, format: UInt16 = 1,
                           blockAlign: UInt16? = nil, data: Data = Data(repeating: 1, count: 3200)) -> Data {
        let align = blockAlign ?? channels * ((bits + 7) / 8)
        var fmt = Data()
        func le<T: FixedWidthInteger>(_ value: T, into d: inout Data) { withUnsafeBytes(of: value.littleEndian) { d.append(contentsOf: $0) } }
        le(format, into: &fmt); le(channels, into: &fmt); le(rate, into: &fmt)
        le(rate &* UInt32(max(align, 1)), into: &fmt); le(align, into: &fmt); le(bits, into: &fmt)
        var body = Data("WAVEfmt ".utf8)
        le(UInt32(fmt.count), into: &body)
        body += fmt + Data("data".utf8)
        le(UInt32(data.count), into: &body)
        body += data
        var file = Data("RIFF".utf8)
        le(UInt32(body.count), into: &file)
        return file + body
    }
}
