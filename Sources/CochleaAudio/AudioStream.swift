import CSoxr
import Foundation

/// Reads an audio file a chunk at a time: mono, checked to be finite, resampled on the fly to the
/// wanted rate (libsoxr's streaming interface, same quality as `Resampler`). Memory stays at one
/// chunk whatever the file's length, so an hour-long recording costs no more than a clip.
public final class AudioStream {
    public let path: String
    public let info: AudioFileInfo
    public let sampleRate: Int
    private let file: SoundFile
    private var resampler: OpaquePointer?
    private var interleaved: [Float]
    private let chunkFrames: Int
    private var sourceFramesRead = 0
    private var finished = false
    /// Samples delivered so far (at `sampleRate`).
    public private(set) var samplesDelivered = 0

    public init(path: String, sampleRate: Int? = AudioDecoder.defaultSampleRate, chunkFrames: Int = 65_536) throws {
        file = try SoundFile(path: path)
        self.path = path
        info = file.info
        self.sampleRate = sampleRate ?? file.info.sampleRate
        self.chunkFrames = chunkFrames
        interleaved = [Float](repeating: 0, count: chunkFrames * file.info.channels)
        if self.sampleRate != file.info.sampleRate {
            var error: soxr_error_t?
            var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
            var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
            resampler = soxr_create(Double(file.info.sampleRate), Double(self.sampleRate), 1, &error, &io, &quality, nil)
            if let error { throw AudioError.resampling(path: path, detail: String(cString: error)) }
        }
    }

    deinit { if let resampler { soxr_delete(resampler) } }

    /// The next chunk of mono samples at `sampleRate`, or nil at the end of the file.
    public func next() throws -> [Float]? {
        guard !finished else { return nil }
        let channels = info.channels
        let frames = try interleaved.withUnsafeMutableBufferPointer { try file.read(into: $0.baseAddress!, frames: chunkFrames) }
        var mono = [Float](repeating: 0, count: frames)
        let scale = 1 / Float(channels)
        interleaved.withUnsafeBufferPointer { chunk in
            for frame in 0..<frames {
                var sum: Float = 0
                for channel in 0..<channels { sum += chunk[frame * channels + channel] }
                mono[frame] = channels == 1 ? sum : sum * scale
            }
        }
        if let bad = mono.firstIndex(where: { !$0.isFinite }) {
            throw AudioError.nonFinite(path: path, sampleIndex: sourceFramesRead + bad, value: mono[bad].isNaN ? "NaN" : "infinite")
        }
        sourceFramesRead += frames
        if frames == 0 {
            finished = true
            if sourceFramesRead < info.frames {
                throw AudioError.truncated(path: path, detail: "header promises \(info.frames) frames, only \(sourceFramesRead) could be read")
            }
        }
        let output = try resample(mono, last: frames == 0)
        samplesDelivered += output.count
        if finished && output.isEmpty { return nil }
        return output
    }

    /// Runs `input` through the streaming resampler; `last` flushes what it still holds.
    private func resample(_ input: [Float], last: Bool) throws -> [Float] {
        guard let resampler else { return input }
        let ratio = Double(sampleRate) / Double(info.sampleRate)
        var output = [Float](repeating: 0, count: Int(Double(input.count) * ratio) + 1024)
        var produced = 0, consumed = 0
        repeat {
            var done = 0, used = 0
            let error: soxr_error_t? = input.withUnsafeBufferPointer { i in
                output.withUnsafeMutableBufferPointer { o in
                    soxr_process(resampler, last ? nil : UnsafeRawPointer(i.baseAddress! + consumed), last ? 0 : input.count - consumed,
                                 &used, UnsafeMutableRawPointer(o.baseAddress! + produced), o.count - produced, &done)
                }
            }
            if let error { throw AudioError.resampling(path: path, detail: String(cString: error)) }
            consumed += used
            produced += done
            if produced == output.count { output += [Float](repeating: 0, count: 4096) } else if consumed == input.count || last { break }
        } while true
        output.removeSubrange(produced...)
        return output
    }
}
