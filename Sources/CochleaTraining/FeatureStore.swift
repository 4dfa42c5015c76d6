import CochleaAudio
import CochleaCore
import CochleaFeatures
import Foundation

/// Features of every utterance, computed once in parallel so that epochs do not recompute them:
/// kept in memory, or, with a cache folder, as one `.npy` per utterance read back batch by batch
/// (for corpora larger than memory; the folder also survives between runs).
public final class FeatureStore {
    public let pipeline: FeaturePipeline
    /// Frames per utterance, in the order given.
    public private(set) var frames: [Int]
    private var inMemory: [FeatureMatrix?]
    private let cacheFolder: String?
    private var cachePaths: [String]

    /// Computes (or finds in `cacheFolder`) the features of `utterances`. An utterance whose audio
    /// cannot be read is reported in `problems` and gets zero frames.
    public init(utterances: [Utterance], pipeline: FeaturePipeline, threads: Int, cacheFolder: String? = nil,
                problems: inout [DatasetProblem], progress: ((Int) -> Void)? = nil) throws {
        self.pipeline = pipeline
        self.cacheFolder = cacheFolder
        let count = utterances.count
        frames = [Int](repeating: 0, count: count)
        inMemory = [FeatureMatrix?](repeating: nil, count: count)
        cachePaths = []
        if let cacheFolder {
            try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
            let key = FeatureStore.pipelineKey(pipeline)
            cachePaths = utterances.map { (cacheFolder as NSString).appendingPathComponent(FeatureStore.cacheName($0.path, key)) }
        }
        var failures = [(Int, String)]()
        let lock = NSLock()
        // Each worker writes its own items' slots; the buffer is not an Array so that the writes
        // from two threads never meet in a copy-on-write check.
        let results = UnsafeMutableBufferPointer<FeatureMatrix?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            // Deinitialised as well as freed: otherwise every matrix the buffer still holds leaks
            // (all of them with a cache folder, which is there to keep them out of memory).
            results.deinitialize()
            results.deallocate()
        }
        let paths = cachePaths
        try Parallel.forEach(count: count, threads: threads, makeWorker: { _ in try PipelineExtractor(pipeline) }) { extractor, i in
            do {
                if !paths.isEmpty, let cached = try? Npy.read(paths[i]), cached.shape.count == 2, cached.shape[1] == pipeline.dimension {
                    results[i] = FeatureMatrix(frames: cached.shape[0], dims: cached.shape[1], values: cached.floats)
                } else {
                    let matrix = try extractor.features(path: utterances[i].path)
                    if !paths.isEmpty { try Npy.write(matrix.values, shape: [matrix.frames, matrix.dims], to: paths[i]) }
                    results[i] = matrix
                }
            } catch {
                lock.lock()
                failures.append((i, "\(error)"))
                lock.unlock()
            }
            progress?(1)
        }
        for i in 0..<count {
            frames[i] = results[i]?.frames ?? 0
            if cacheFolder == nil { inMemory[i] = results[i] }
        }
        for (i, message) in failures.sorted(by: { $0.0 < $1.0 }) {
            let kind: DatasetProblem.Kind = message.contains("no such file") ? .missingAudio : .undecodableAudio
            problems.append(DatasetProblem(kind: kind, location: utterances[i].source, detail: message))
        }
    }

    /// Features of utterance `i`.
    public func features(_ i: Int) throws -> FeatureMatrix {
        if let matrix = inMemory[i] { return matrix }
        // No frames: too short, or unreadable (then nothing was cached), with a cache or without.
        guard cacheFolder != nil, frames[i] > 0 else { return FeatureMatrix(frames: 0, dims: pipeline.dimension) }
        let array = try Npy.read(cachePaths[i])
        return FeatureMatrix(frames: array.shape[0], dims: array.shape[1], values: array.floats)
    }

    /// Bytes held in memory.
    public var memoryBytes: Int { inMemory.reduce(0) { $0 + ($1?.values.count ?? 0) * 4 } }

    static func pipelineKey(_ pipeline: FeaturePipeline) -> UInt64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return fnv1a(Array((try? encoder.encode(pipeline)) ?? Data()))
    }

    /// A name that changes when the audio file or the feature settings change.
    static func cacheName(_ path: String, _ key: UInt64) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let hash = fnv1a(Array("\(path)|\(size)|\(modified)|\(key)".utf8))
        return String(format: "%016llx.npy", hash)
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
