/// Why an audio file could not be used. Every case names the file, so that a batch can report it
/// and go on with the rest.
public enum AudioError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case notAFile(path: String, kind: String)
    case empty(path: String)
    case unrecognised(path: String, detail: String)
    case truncated(path: String, detail: String)
    case noSamples(path: String)
    case nonFinite(path: String, sampleIndex: Int, value: String)
    case unsupportedSampleRate(path: String, rate: Int)
    case unreadable(path: String, detail: String)
    case resampling(path: String, detail: String)

    public var path: String {
        switch self {
        case .missing(let p), .notAFile(let p, _), .empty(let p), .unrecognised(let p, _), .truncated(let p, _),
             .noSamples(let p), .nonFinite(let p, _, _), .unsupportedSampleRate(let p, _), .unreadable(let p, _),
             .resampling(let p, _):
            return p
        }
    }

    public var description: String {
        switch self {
        case .missing(let p): return "\(p): no such file"
        case .notAFile(let p, let kind): return "\(p): is a \(kind), not an audio file"
        case .empty(let p): return "\(p): file is empty (0 bytes)"
        case .unrecognised(let p, let detail):
            return "\(p): not a recognised audio file (\(detail)); Cochlea reads what libsndfile reads: WAV, FLAC, Ogg/Vorbis, AIFF, ..."
        case .truncated(let p, let detail): return "\(p): file is truncated (\(detail))"
        case .noSamples(let p): return "\(p): audio file holds no samples"
        case .nonFinite(let p, let index, let value):
            return "\(p): sample \(index) is \(value); audio samples must be finite"
        case .unsupportedSampleRate(let p, let rate):
            return "\(p): sample rate \(rate) Hz is outside the supported 1,000 to 768,000 Hz"
        case .unreadable(let p, let detail): return "\(p): cannot read (\(detail))"
        case .resampling(let p, let detail): return "\(p): resampling failed (\(detail))"
        }
    }
}
