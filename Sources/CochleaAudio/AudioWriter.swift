import CSndFile
import CochleaCore
import Foundation

/// Containers and encodings Cochlea can write through libsndfile (for tests, corpora and tools).
public enum AudioEncoding: String, CaseIterable, Sendable {
    case wavPCM8 = "wav-pcm8", wavPCM16 = "wav-pcm16", wavPCM24 = "wav-pcm24", wavPCM32 = "wav-pcm32"
    case wavFloat = "wav-float", wavULaw = "wav-ulaw", flac16 = "flac16", flac24 = "flac24"
    case oggVorbis = "ogg-vorbis", aiff16 = "aiff16"

    var format: Int32 {
        switch self {
        case .wavPCM8: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_U8)
        case .wavPCM16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wavPCM24: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
        case .wavPCM32: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_32)
        case .wavFloat: return Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .wavULaw: return Int32(SF_FORMAT_WAV | SF_FORMAT_ULAW)
        case .flac16: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .flac24: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
        case .oggVorbis: return Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        case .aiff16: return Int32(SF_FORMAT_AIFF | SF_FORMAT_PCM_16)
        }
    }
}

public enum AudioWriter {
    /// Writes interleaved `samples` ([frames, channels] row-major, nominally in [-1, 1]) atomically.
    public static func write(_ samples: [Float], channels: Int = 1, sampleRate: Int, encoding: AudioEncoding, to path: String) throws {
        precondition(channels >= 1 && samples.count % channels == 0)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).tmp-\(getpid())"
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = encoding.format
        // Under the lock that reading takes: libsndfile's open error is one process-wide variable.
        let opened = SoundFile.serialisedOpen { sf_open(temporary, Int32(SFM_WRITE), &info) }
        guard let handle = opened.handle else { throw OutputError.cannotWrite(path: path, reason: opened.error) }
        // Integer encodings clip rather than wrap when a float sample exceeds full scale.
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        let frames = samples.count / channels
        let written = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        let failure = written == frames ? nil : String(cString: sf_strerror(handle))
        sf_close(handle)
        if failure == nil && rename(temporary, path) == 0 { return }
        let reason = failure ?? String(cString: strerror(errno))
        unlink(temporary)
        throw OutputError.cannotWrite(path: path, reason: reason)
    }
}
