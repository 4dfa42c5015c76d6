import CochleaAudio
import CochleaCore
import CochleaDecoding
import CochleaFeatures
import CochleaModel
import CochleaNN
import Foundation

/// One input's outcome: a transcript, or the error that kept it from one.
public struct Recognition {
    public var path: String
    public var result: Result<Transcript, Error>
    /// Seconds of audio (0 when it could not be read).
    public var duration: Double
    /// Feature frames (0 for a clip shorter than one frame, which decodes to empty text).
    public var frames = 0
    /// [T, C] log-probabilities, when asked for.
    public var logProbs: [Float]?
}

/// Audio files → features → network → decoding, in batches of similar length, reading only one
/// chunk of files at a time so that memory stays flat however many files there are.
public final class Recognizer {
    public let model: AcousticModel
    public var decoder: TranscriptDecoder
    public let threads: Int
    /// Files read, featurised and run through the network together.
    public var chunkSize = 64
    /// Utterances per network batch (similar lengths are grouped).
    public var batchSize = 16
    public var keepLogProbs = false
    /// Network frames above which a recording is run in windows of `longFrames` with
    /// `windowContext` frames of context on each side (about 3 minutes and 6 s at a 30 ms stride).
    public var longFrames = 6_000
    public var windowContext = 200
    let network: AcousticNetwork<Float>
    let extractors: [PipelineExtractor]

    public init(model: AcousticModel, threads: Int = Parallel.coreCount) throws {
        self.model = model
        self.threads = max(1, threads)
        network = model.makeNetwork()
        network.threads = min(2, self.threads)
        extractors = try (0..<self.threads).map { _ in try PipelineExtractor(model.config.features) }
        let features = model.config.features
        decoder = GreedyDecoder(tokens: model.config.tokens, timing: FrameTiming(shift: features.frameShiftSeconds, length: features.frameLengthSeconds))
        BLASThreads.count = 1
    }

    /// Frame timing of the model's features.
    public var timing: FrameTiming {
        FrameTiming(shift: model.config.features.frameShiftSeconds, length: model.config.features.frameLengthSeconds)
    }

    /// Recognises every path, calling `emit` in input order as each chunk finishes.
    public func recognize(paths: [String], emit: (Recognition) -> Void) {
        for start in stride(from: 0, to: paths.count, by: chunkSize) {
            let chunk = Array(paths[start..<min(start + chunkSize, paths.count)])
            for recognition in recognizeChunk(chunk) { emit(recognition) }
        }
    }

    /// Recognises samples already in memory (at the model's sample rate).
    public func recognize(samples: [Float], name: String = "<memory>") -> Recognition {
        let features = extractors[0].features(of: samples)
        return run([(name, .success(features), Double(samples.count) / Double(model.config.features.options.sampleRate))])[0]
    }

    private func recognizeChunk(_ paths: [String]) -> [Recognition] {
        var prepared = [(String, Result<FeatureMatrix, Error>, Double)](repeating: ("", .failure(CancellationError()), 0), count: paths.count)
        let rate = model.config.features.options.sampleRate
        prepared.withUnsafeMutableBufferPointer { out in
            Parallel.forEach(count: paths.count, threads: threads, makeWorker: { self.extractors[$0] }) { extractor, i in
                do {
                    let stream = try AudioStream(path: paths[i], sampleRate: rate)
                    let features = try extractor.features(stream: stream)
                    out[i] = (paths[i], .success(features), Double(stream.samplesDelivered) / Double(rate))
                } catch {
                    out[i] = (paths[i], .failure(error), 0)
                }
            }
        }
        return run(prepared)
    }

    /// Runs the network over the inputs with features, in batches of similar length, and decodes.
    private func run(_ inputs: [(String, Result<FeatureMatrix, Error>, Double)]) -> [Recognition] {
        var results = inputs.map { Recognition(path: $0.0, result: .failure(CancellationError()), duration: $0.2) }
        var usable = [(index: Int, features: FeatureMatrix)]()
        for (i, input) in inputs.enumerated() {
            switch input.1 {
            case .failure(let error): results[i].result = .failure(error)
            case .success(let features):
                usable.append((i, features))
                results[i].frames = features.frames
            }
        }
        let classes = model.config.network.classes
        // Long recordings run alone, in overlapping windows, so the network's workspace stays small.
        let long = usable.filter { $0.features.frames > longFrames }
        usable.removeAll { $0.features.frames > longFrames }
        for member in long {
            let logProbs = windowedLogProbabilities(member.features)
            logProbs.withUnsafeBufferPointer { lp in
                results[member.index].result = .success(decoder.decode(LogProbabilities(values: lp, frames: member.features.frames, classes: classes)))
            }
            if keepLogProbs { results[member.index].logProbs = logProbs }
        }
        for group in LengthGroups.make(usable.map(\.features.frames), batchSize: batchSize) {
            let members = group.map { usable[$0] }
            let steps = members.map(\.features.frames).max() ?? 0
            let b = members.count, dims = model.config.network.inputSize
            var input = [Float](repeating: 0, count: steps * b * dims)
            for (position, member) in members.enumerated() {
                for t in 0..<member.features.frames {
                    let destination = (t * b + position) * dims
                    for d in 0..<dims { input[destination + d] = member.features.values[t * dims + d] }
                }
            }
            let lengths = members.map(\.features.frames)
            input.withUnsafeBufferPointer { x in
                let lp = steps == 0 ? nil : network.forward(input: x.baseAddress!, steps: steps, batch: b, lengths: lengths)
                for (position, member) in members.enumerated() {
                    guard let lp else {
                        results[member.index].result = .success(Transcript(text: "", words: [], confidence: 0, score: 0))
                        if keepLogProbs { results[member.index].logProbs = [] }
                        continue
                    }
                    let view = LogProbabilities(values: UnsafeBufferPointer(start: lp + position * classes, count: (steps - 1) * b * classes + classes),
                                                frames: lengths[position], classes: classes, rowStride: b * classes)
                    results[member.index].result = .success(decoder.decode(view))
                    if keepLogProbs {
                        results[member.index].logProbs = (0..<lengths[position]).flatMap { t in
                            Array(UnsafeBufferPointer(start: lp + (t * b + position) * classes, count: classes))
                        }
                    }
                }
            }
        }
        return results
    }
}
