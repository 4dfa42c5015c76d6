import CSndFile
import Foundation

/// Facts about an audio file as libsndfile reports them.
public struct AudioFileInfo: Sendable, Equatable {
    public var frames: Int
    public var sampleRate: Int
    public var channels: Int
    /// libsndfile's name of the container and encoding, e.g. "WAV (Microsoft) / Signed 16 bit PCM".
    public var format: String
}

/// An open libsndfile handle that reads interleaved frames in chunks. The only type that touches
/// libsndfile; it never escapes this module as a C type.
final class SoundFile {
    private let handle: OpaquePointer
    private let memory: MemorySource?
    let path: String
    let info: AudioFileInfo
    /// libsndfile's parse log, which is where it records header sizes it had to correct.
    let log: String
    /// The frame count libsndfile reports when a file does not say its length (SF_COUNT_MAX).
    static let unknownLength = Int(Int64.max)

    /// Opens a file on disk after checking that it exists, is a regular file and is not empty.
    init(path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw AudioError.missing(path: path) }
            throw AudioError.unreadable(path: path, detail: String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw AudioError.notAFile(path: path, kind: "directory")
        case S_IFIFO: throw AudioError.notAFile(path: path, kind: "FIFO (named pipe)")
        case S_IFCHR, S_IFBLK: throw AudioError.notAFile(path: path, kind: "device")
        case S_IFSOCK: throw AudioError.notAFile(path: path, kind: "socket")
        default: throw AudioError.notAFile(path: path, kind: "special file")
        }
        guard status.st_size > 0 else { throw AudioError.empty(path: path) }
        guard access(path, R_OK) == 0 else {
            throw AudioError.unreadable(path: path, detail: String(cString: strerror(errno)))
        }
        var sfInfo = SF_INFO()
        let handle = try SoundFile.open(path: path) { sf_open(path, Int32(SFM_READ), &sfInfo) }
        self.handle = handle
        self.memory = nil
        self.path = path
        (self.info, self.log) = SoundFile.describe(handle, sfInfo)
        try validate()
    }

    /// Opens audio held in memory (through libsndfile's virtual I/O); `path` only names it in errors.
    init(data: Data, path: String) throws {
        guard !data.isEmpty else { throw AudioError.empty(path: path) }
        let source = MemorySource(data)
        var io = MemorySource.callbacks
        var sfInfo = SF_INFO()
        let handle = try SoundFile.open(path: path) {
            sf_open_virtual(&io, Int32(SFM_READ), &sfInfo, Unmanaged.passUnretained(source).toOpaque())
        }
        self.handle = handle
        self.memory = source
        self.path = path
        (self.info, self.log) = SoundFile.describe(handle, sfInfo)
        try validate()
    }

    deinit { sf_close(handle) }

    /// libsndfile keeps the error of a failed open in one process-wide variable, not per thread, so
    /// files opened on several threads at once could report each other's errors ("No Error." for a
    /// broken file, seen in a batch). Opening under one lock keeps each error with its file.
    static let openLock = NSLock()

    /// Runs a libsndfile open (for reading or writing) under `openLock`: the handle, or nil with
    /// libsndfile's message for this open.
    static func serialisedOpen(_ open: () -> OpaquePointer?) -> (handle: OpaquePointer?, error: String) {
        openLock.lock()
        defer { openLock.unlock() }
        let handle = open()
        return (handle, handle == nil ? String(cString: sf_strerror(nil)) : "")
    }

    /// Opens for reading; a nil handle becomes an error that names the file.
    static func open(path: String, _ open: () -> OpaquePointer?) throws -> OpaquePointer {
        let opened = serialisedOpen(open)
        guard let handle = opened.handle else { throw AudioError.unrecognised(path: path, detail: opened.error) }
        return handle
    }

    /// Reads up to `frames` interleaved frames into `buffer` (which holds frames × channels floats).
    /// Returns the number of frames read; 0 at the end of the file.
    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        let count = Int(sf_readf_float(handle, buffer, sf_count_t(frames)))
        let error = sf_error(handle)
        if error != 0 {
            throw AudioError.truncated(path: path, detail: String(cString: sf_strerror(handle)))
        }
        return count
    }

    private func validate() throws {
        guard (1_000...768_000).contains(info.sampleRate) else {
            throw AudioError.unsupportedSampleRate(path: path, rate: info.sampleRate)
        }
        if let detail = SoundFile.truncation(in: log) { throw AudioError.truncated(path: path, detail: detail) }
        guard info.frames > 0 else { throw AudioError.noSamples(path: path) }
    }

    private static func describe(_ handle: OpaquePointer, _ sfInfo: SF_INFO) -> (AudioFileInfo, String) {
        var logBuffer = [CChar](repeating: 0, count: 8192)
        sf_command(handle, Int32(SFC_GET_LOG_INFO), &logBuffer, Int32(logBuffer.count))
        let log = String(cString: logBuffer)
        let info = AudioFileInfo(
            frames: Int(sfInfo.frames), sampleRate: Int(sfInfo.samplerate), channels: Int(sfInfo.channels),
            format: formatName(sfInfo.format))
        return (info, log)
    }

    /// libsndfile opens a WAV or AIFF file whose data chunk claims more bytes than the file holds and
    /// silently shortens it, writing "data : 64000 (should be 29956)" in its log. Sizes of 0 or near
    /// 2^31 and above are how streaming writers say "unknown length", not truncation.
    static func truncation(in log: String) -> String? {
        for line in log.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("data") || trimmed.hasPrefix("SSND") else { continue }
            guard let open = trimmed.range(of: "(should be ") else { continue }
            let declaredText = trimmed[trimmed.index(after: trimmed.firstIndex(of: ":")!)..<open.lowerBound]
                .trimmingCharacters(in: .whitespaces)
            let actualText = trimmed[open.upperBound...].prefix(while: { $0.isNumber })
            guard let declared = Int(declaredText), let actual = Int(actualText) else { continue }
            if declared > actual && declared != 0 && declared < 0x7FFF_0000 {
                return "header promises \(declared) bytes of audio data, the file holds \(actual)"
            }
        }
        return nil
    }

    private static func formatName(_ format: Int32) -> String {
        func name(_ command: Int32, _ code: Int32) -> String {
            var f = SF_FORMAT_INFO()
            f.format = code
            guard sf_command(nil, command, &f, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0, let n = f.name else {
                return "unknown"
            }
            return String(cString: n)
        }
        let major = name(Int32(SFC_GET_FORMAT_INFO), format & Int32(SF_FORMAT_TYPEMASK))
        let minor = name(Int32(SFC_GET_FORMAT_INFO), format & Int32(SF_FORMAT_SUBMASK))
        return "\(major) / \(minor)"
    }
}

/// Bytes in memory presented to libsndfile as a seekable file.
private final class MemorySource {
    let bytes: [UInt8]
    var position = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    static var callbacks: SF_VIRTUAL_IO {
        SF_VIRTUAL_IO(
            get_filelen: { user in sf_count_t(Unmanaged<MemorySource>.fromOpaque(user!).takeUnretainedValue().bytes.count) },
            seek: { offset, whence, user in
                let s = Unmanaged<MemorySource>.fromOpaque(user!).takeUnretainedValue()
                let base: Int
                switch whence {
                case SEEK_CUR: base = s.position
                case SEEK_END: base = s.bytes.count
                default: base = 0
                }
                let target = base + Int(offset)
                guard target >= 0 else { return -1 }
                s.position = target
                return sf_count_t(target)
            },
            read: { destination, count, user in
                let s = Unmanaged<MemorySource>.fromOpaque(user!).takeUnretainedValue()
                let available = max(0, min(Int(count), s.bytes.count - s.position))
                if available > 0, let destination {
                    s.bytes.withUnsafeBytes { raw in
                        destination.copyMemory(from: raw.baseAddress! + s.position, byteCount: available)
                    }
                }
                s.position += available
                return sf_count_t(available)
            },
            write: { _, _, _ in 0 },
            tell: { user in sf_count_t(Unmanaged<MemorySource>.fromOpaque(user!).takeUnretainedValue().position) }
        )
    }
}
