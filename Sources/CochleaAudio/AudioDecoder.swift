import Foundation

/// Decodes any file libsndfile reads into mono Float samples at a chosen rate.
public enum AudioDecoder {
    /// The rate Cochlea's models use unless told otherwise.
    public static let defaultSampleRate = 16_000

    /// Reads the header only.
    public static func info(path: String) throws -> AudioFileInfo {
        try SoundFile(path: path).info
    }

    /// Decodes `path`, mixes its channels down by averaging, and resamples to `sampleRate`
    /// (`nil` keeps the file's own rate).
    public static func decode(path: String, sampleRate: Int? = defaultSampleRate) throws -> AudioClip {
        try decode(try SoundFile(path: path), sampleRate: sampleRate)
    }

    /// Decodes audio bytes held in memory; `name` only labels errors.
    public static func decode(data: Data, name: String = "<memory>", sampleRate: Int? = defaultSampleRate) throws -> AudioClip {
        try decode(try SoundFile(data: data, path: name), sampleRate: sampleRate)
    }

    static func decode(_ file: SoundFile, sampleRate: Int?) throws -> AudioClip {
        let mono = try readMono(file)
        let sourceRate = file.info.sampleRate
        let targetRate = sampleRate ?? sourceRate
        var samples = mono
        if targetRate != sourceRate {
            do {
                samples = try Resampler.resample(mono, from: sourceRate, to: targetRate)
            } catch let error as ResamplerError {
                throw AudioError.resampling(path: file.path, detail: error.detail)
            }
        }
        return AudioClip(samples: samples, sampleRate: targetRate, sourceChannels: file.info.channels,
                         sourceSampleRate: sourceRate)
    }

    /// All frames of `file` averaged over channels, checked to be finite.
    static func readMono(_ file: SoundFile) throws -> [Float] {
        let channels = file.info.channels
        // About 1 MB of interleaved samples, however many channels (libsndfile allows 1,024).
        let chunkFrames = max(256, (1 << 18) / channels)
        var interleaved = [Float](repeating: 0, count: chunkFrames * channels)
        var mono = [Float]()
        // The header's frame count is only a promise (Int64.max when the length is unknown), so
        // room is made for at most 4 Mi samples in advance; beyond that the array grows as read.
        mono.reserveCapacity(min(file.info.frames, 1 << 22))
        let scale = 1 / Float(channels)
        while true {
            let frames = try interleaved.withUnsafeMutableBufferPointer { try file.read(into: $0.baseAddress!, frames: chunkFrames) }
            if frames == 0 { break }
            let start = mono.count
            interleaved.withUnsafeBufferPointer { chunk in
                if channels == 1 {
                    mono.append(contentsOf: chunk[0..<frames])
                } else {
                    for frame in 0..<frames {
                        var sum: Float = 0
                        for channel in 0..<channels { sum += chunk[frame * channels + channel] }
                        mono.append(sum * scale)
                    }
                }
            }
            if let bad = mono[start...].firstIndex(where: { !$0.isFinite }) {
                throw AudioError.nonFinite(path: file.path, sampleIndex: bad, value: mono[bad].isNaN ? "NaN" : "infinite")
            }
        }
        if mono.count < file.info.frames && file.info.frames != SoundFile.unknownLength {
            throw AudioError.truncated(
                path: file.path, detail: "header promises \(file.info.frames) frames, only \(mono.count) could be read")
        }
        guard !mono.isEmpty else { throw AudioError.noSamples(path: file.path) }
        return mono
    }
}
