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
    /// Feature frames (0 for a clip shorter than one frame, which decodes to empty text), padding
    /// included when the recognizer pads.
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
    public var chunkSize = 128
    /// Utterances per network batch (similar lengths are grouped).
    public var batchSize = 32
    public var keepLogProbs = false
    /// Network frames above which a recording is run in windows of `longFrames` with
    /// `windowContext` frames of context on each side (about 3 minutes and 6 s at a 30 ms stride).
    public var longFrames = 6_000
    public var windowContext = 200
    /// Seconds of digital silence put before and after each recording `recognize` reads, before its
    /// features are computed: recordings cut close around their words (tightly edited datasets such
    /// as FSDD) are read far better with a short pause around them, while a recording that already
    /// has a noisy pause reads worse with silence beyond it. Word times and durations stay the
    /// recording's. `streamLogProbabilities` (spotting in long recordings) does not pad.
    public var edgePadding = 0.0 {
        didSet { precondition(edgePadding >= 0, "edge padding is a duration") }
    }
    /// Pad only the recordings that start in their speech (`CloseCut`), not those that start in a
    /// pause, which padding can cost. Recordings longer than `closeCutLimit` seconds are not padded.
    public var padOnlyCloseCut = false
    /// Seconds of audio `padOnlyCloseCut` reads before deciding; longer recordings stream unpadded
    /// (they have pauses, and a whole hour should not sit in memory).
    public var closeCutLimit = 60.0
    /// One network per thread: batches of different files run side by side, each single-threaded,
    /// which keeps both cores busier than splitting one small batch's two directions.
    let networks: [AcousticNetwork<Float>]
    var network: AcousticNetwork<Float> { networks[0] }
    let extractors: [PipelineExtractor]

    public init(model: AcousticModel, threads: Int = Parallel.coreCount) throws {
        self.model = model
        self.threads = max(1, threads)
        networks = (0..<self.threads).map { _ in
            let network = model.makeNetwork()
            network.threads = 1
            return network
        }
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
        let rate = model.config.features.options.sampleRate
        let padding = padding(for: samples)
        let silence = [Float](repeating: 0, count: padding)
        let features = extractors[0].features(of: padding == 0 ? samples : silence + samples + silence)
        return run([Prepared(path: name, features: .success(features), duration: Double(samples.count) / Double(rate), padding: padding)])[0]
    }

    /// `edgePadding` in samples at the model's rate.
    private var paddingSamples: Int { Int((edgePadding * Double(model.config.features.options.sampleRate)).rounded()) }

    /// Samples of silence to put at each end of `samples`, a whole recording at the model's rate.
    private func padding(for samples: [Float]) -> Int {
        guard padOnlyCloseCut else { return paddingSamples }
        let rate = model.config.features.options.sampleRate
        return Double(samples.count) <= closeCutLimit * Double(rate) && CloseCut.startsInSpeech(samples, sampleRate: rate) ? paddingSamples : 0
    }

    /// One input on its way to the network: its features, or why it has none.
    struct Prepared {
        var path: String
        var features: Result<FeatureMatrix, Error>
        /// Seconds of the recording itself.
        var duration: Double
        /// Samples of silence put at each end.
        var padding = 0
    }

    private func recognizeChunk(_ paths: [String]) -> [Recognition] {
        var prepared = [Prepared](repeating: Prepared(path: "", features: .failure(CancellationError()), duration: 0), count: paths.count)
        prepared.withUnsafeMutableBufferPointer { out in
            Parallel.forEach(count: paths.count, threads: threads, makeWorker: { self.extractors[$0] }) { extractor, i in
                do {
                    out[i] = try prepare(paths[i], extractor: extractor)
                } catch {
                    out[i] = Prepared(path: paths[i], features: .failure(error), duration: 0)
                }
            }
        }
        return run(prepared)
    }

    /// Reads `path` a chunk at a time and computes its features, padded as the settings say. With
    /// `padOnlyCloseCut`, a recording up to `closeCutLimit` is read whole first to decide.
    private func prepare(_ path: String, extractor: PipelineExtractor) throws -> Prepared {
        let rate = model.config.features.options.sampleRate
        let stream = try AudioStream(path: path, sampleRate: rate)
        guard padOnlyCloseCut, paddingSamples > 0 else {
            let features = try extractor.features(stream: stream, padding: paddingSamples)
            return Prepared(path: path, features: .success(features), duration: Double(stream.samplesDelivered) / Double(rate), padding: paddingSamples)
        }
        let limit = Int(closeCutLimit * Double(rate))
        var head = [Float]()
        while head.count <= limit, let chunk = try stream.next() { head += chunk }
        // Past the limit `head` is only the start of the recording, which `padding(for:)` leaves unpadded.
        let padding = self.padding(for: head)
        let features = try extractor.features(stream: stream, padding: padding, prefix: head)
        return Prepared(path: path, features: .success(features), duration: Double(stream.samplesDelivered) / Double(rate), padding: padding)
    }

    /// Each member's [T, C] log-probabilities from one padded batch through `network`.
    private func forward(_ members: [FeatureMatrix], on network: AcousticNetwork<Float>) -> [[Float]] {
        let classes = model.config.network.classes, dims = model.config.network.inputSize
        let steps = members.map(\.frames).max() ?? 0, b = members.count
        guard steps > 0 else { return members.map { _ in [] } }
        var input = [Float](repeating: 0, count: steps * b * dims)
        for (position, member) in members.enumerated() {
            for t in 0..<member.frames {
                let destination = (t * b + position) * dims
                for d in 0..<dims { input[destination + d] = member.values[t * dims + d] }
            }
        }
        return input.withUnsafeBufferPointer { x in
            let lp = network.forward(input: x.baseAddress!, steps: steps, batch: b, lengths: members.map(\.frames))
            return members.indices.map { position in
                (0..<members[position].frames).flatMap { t in Array(UnsafeBufferPointer(start: lp + (t * b + position) * classes, count: classes)) }
            }
        }
    }

    /// Runs the network over the inputs with features, in batches of similar length, and decodes.
    private func run(_ inputs: [Prepared]) -> [Recognition] {
        var results = inputs.map { Recognition(path: $0.path, result: .failure(CancellationError()), duration: $0.duration) }
        var usable = [(index: Int, features: FeatureMatrix)]()
        let rate = Double(model.config.features.options.sampleRate)
        func unpadded(_ transcript: Transcript, _ index: Int) -> Transcript {
            self.unpadded(transcript, duration: results[index].duration, shift: Double(inputs[index].padding) / rate)
        }
        for (i, input) in inputs.enumerated() {
            switch input.features {
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
                results[member.index].result = .success(unpadded(decoder.decode(LogProbabilities(values: lp, frames: member.features.frames, classes: classes)),
                                                                 member.index))
            }
            if keepLogProbs { results[member.index].logProbs = logProbs }
        }
        let groups = LengthGroups.make(usable.map(\.features.frames), batchSize: batchSize)
        var outputs = [[[Float]]](repeating: [], count: groups.count)
        outputs.withUnsafeMutableBufferPointer { out in
            Parallel.forEach(count: groups.count, threads: networks.count, makeWorker: { self.networks[$0] }) { network, g in
                out[g] = forward(groups[g].map { usable[$0].features }, on: network)
            }
        }
        for (g, group) in groups.enumerated() {
            for (position, member) in group.map({ usable[$0] }).enumerated() {
                let logProbs = outputs[g][position]
                logProbs.withUnsafeBufferPointer { lp in
                    results[member.index].result = .success(member.features.frames == 0
                        ? Transcript(text: "", words: [], confidence: 0, score: 0)
                        : unpadded(decoder.decode(LogProbabilities(values: lp, frames: member.features.frames, classes: classes)),
                                   member.index))
                }
                if keepLogProbs { results[member.index].logProbs = logProbs }
            }
        }
        return results
    }

    /// `transcript` with its word times moved from the padded audio's clock to the recording's,
    /// `shift` seconds of padding earlier (a word heard partly in the padding starts at 0 or ends at
    /// `duration`).
    func unpadded(_ transcript: Transcript, duration: Double, shift: Double) -> Transcript {
        guard shift > 0 else { return transcript }
        var moved = transcript
        for i in moved.words.indices {
            moved.words[i].start = min(max(moved.words[i].start - shift, 0), duration)
            moved.words[i].end = min(max(moved.words[i].end - shift, 0), duration)
        }
        return moved
    }
}
