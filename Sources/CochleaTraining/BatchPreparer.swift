import CochleaAudio
import CochleaCore
import CochleaFeatures
import Foundation

/// Builds a training batch: cached features, or, for the utterances chosen for splicing with other
/// words of their speaker, speed perturbation, a tilt, modulated noise, reverberation, clicks, noise,
/// a band-limited channel, noise suppression, compression, clipping, truncation, trimming or a warped
/// filterbank this epoch, features recomputed from the audio joined, resampled, tilted, given noise
/// under the voice, reverberated, given clicks in its pauses, mixed with background noise,
/// band-limited, noise-suppressed, compressed, clipped (in that order, as a voice reaches a
/// microphone and the microphone a file), then, for a single word, cut inside its speech, then
/// trimmed and padded with zeros (as the file is cut and edited); then SpecAugment masks. Every random
/// choice comes from (seed, epoch, batch, position), so a resumed run repeats it exactly.
final class BatchPreparer {
    let items: [PlannedUtterance]
    let store: FeatureStore
    let options: TrainingOptions
    let mixer: NoiseMixer?
    /// The space token, which joins spliced words' targets.
    let separator: Int32?
    /// Each speaker's single-word training utterances (speakerless ones under ""), which splicing draws from.
    private let singleWords: [String: [Int]]
    private let workers: [Worker]

    /// One per thread: feature extractors for the unwarped filterbank and, made when first needed,
    /// for each warp factor; a convolver for reverberation, a gate for noise suppression.
    final class Worker {
        let pipeline: FeaturePipeline
        let convolver = FFTConvolver()
        private(set) lazy var gate = SpectralGate()
        private var extractors: [Int: PipelineExtractor] = [:]
        init(_ pipeline: FeaturePipeline) { self.pipeline = pipeline }

        /// The extractor for warp factor 1 + step · 0.025.
        func extractor(warpStep step: Int) throws -> PipelineExtractor {
            if let extractor = extractors[step] { return extractor }
            var warped = pipeline
            warped.options.vtlnWarp = 1 + Double(step) * 0.025
            let extractor = try PipelineExtractor(warped)
            extractors[step] = extractor
            return extractor
        }
    }

    /// `training`: the indices of `items` that are training utterances (splicing joins only those).
    init(items: [PlannedUtterance], store: FeatureStore, options: TrainingOptions, mixer: NoiseMixer?,
         training: [Int] = [], separator: Int32? = nil) throws {
        if options.splicing != nil && separator == nil {
            throw TrainingOptionsError(message: "splicing joins words with a space, and the model's tokens have none")
        }
        self.items = items
        self.store = store
        self.options = options
        self.mixer = mixer
        self.separator = separator
        singleWords = Dictionary(grouping: training.filter { !items[$0].utterance.transcript.contains(" ") }) {
            items[$0].utterance.speaker ?? ""
        }
        workers = (0..<options.threads).map { _ in Worker(options.features) }
    }

    /// `positions`: each member's position in the global batch when the batch is split over
    /// processes (its random choices follow it), else its index in `members`.
    func prepare(_ members: [Int], positions: [Int]? = nil, epoch: Int, batch: Int) throws -> PreparedBatch {
        var features = [FeatureMatrix](repeating: FeatureMatrix(frames: 0, dims: options.features.dimension), count: members.count)
        var targets = members.map { items[$0].target }
        var failure: Error?
        let lock = NSLock()
        let blocks = options.features.blocks
        features.withUnsafeMutableBufferPointer { out in targets.withUnsafeMutableBufferPointer { targetsOut in
            Parallel.forEach(count: members.count, threads: options.threads, makeWorker: { self.workers[$0] }) { worker, position in
                let i = members[position]
                let place = positions?[position] ?? position
                var random = SeededRandom(seed: options.seed ^ (UInt64(epoch) << 40) ^ (UInt64(batch) << 16) ^ UInt64(place))
                do {
                    var matrix = try store.features(i)
                    var perturbation = draw(&random)
                    var target = items[i].target
                    if items[i].utterance.transcript.contains(" ") {
                        perturbation.truncation = nil
                    } else if let words = splicedWords(around: i, random: &random), let separator {
                        perturbation.splice = words
                        perturbation.truncation = nil
                        target = Array(words.map { items[$0].target }.joined(separator: [separator]))
                    }
                    if perturbation.changesAudio {
                        let samples = try perturbedAudio(of: i, perturbation, worker: worker, random: &random)
                        let perturbed = try worker.extractor(warpStep: perturbation.warpStep).features(of: samples)
                        // A clip sped up below the frames its transcript needs keeps its plain features.
                        if perturbed.frames >= PlannedUtterance.minimumFrames(target) {
                            matrix = perturbed
                        } else {
                            target = items[i].target
                        }
                    }
                    options.specAugment.apply(to: &matrix, blocks: blocks, random: &random)
                    out[position] = matrix
                    targetsOut[position] = target
                } catch {
                    lock.lock()
                    failure = error
                    lock.unlock()
                }
            }
        } }
        if let failure { throw failure }
        // In the order drawn: the network packs any batch's real frames longest first itself.
        return PreparedBatch(features: features, targets: targets)
    }

    /// The single word `i` spliced with others of its speaker this time, or nil. Draws nothing when
    /// splicing is off, so that runs without it repeat earlier versions' draws.
    func splicedWords(around i: Int, random: inout SeededRandom) -> [Int]? {
        guard let splicing = options.splicing, random.nextUnitDouble() < splicing.probability,
              let others = singleWords[items[i].utterance.speaker ?? ""] else { return nil }
        return splicing.draw(around: i, from: others, random: &random)
    }

    /// What one utterance goes through this epoch.
    struct Perturbation {
        var speed = 1.0
        var noise = false
        var warpStep = 0
        var room: ReverberationOptions?
        var channel: BandLimitOptions?
        var clipping: ClippingOptions?
        var trimming: TrimmingOptions?
        var voiceNoise: ModulatedNoiseOptions?
        var clicks: ClickOptions?
        var truncation: TruncationOptions?
        var compression: CompressionOptions?
        var suppression: NoiseSuppressionOptions?
        var tilt: TiltOptions?
        /// The single words, this utterance among them, whose audio is joined in place of its own.
        var splice: [Int]?

        /// False when the cached features serve (at most SpecAugment follows).
        var changesAudio: Bool {
            speed != 1 || noise || warpStep != 0 || room != nil || channel != nil || clipping != nil || trimming != nil
                || voiceNoise != nil || clicks != nil || truncation != nil
                || compression != nil || suppression != nil || tilt != nil || splice != nil
        }
    }

    /// Draws what happens to one utterance, in a fixed order.
    func draw(_ random: inout SeededRandom) -> Perturbation {
        var p = Perturbation()
        if random.nextUnitDouble() < options.speedProbability {
            let range = options.speedRange
            // Durations (1 / factor) spread evenly, as they were drawn when the factor meant its
            // inverse; a run saved then goes on as it began.
            p.speed = 1 / random.nextDouble(in: options.speedConvention == nil ? range : (1 / range.upperBound)...(1 / range.lowerBound))
        }
        p.noise = mixer != nil && random.nextUnitDouble() < options.noiseProbability
        if random.nextUnitDouble() < options.warpProbability {
            p.warpStep = Int(((random.nextDouble(in: options.warpRange) - 1) / 0.025).rounded())
        }
        // Drawn only when asked for, so that runs without them repeat earlier versions' draws.
        p.room = options.reverberation.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.channel = options.bandLimit.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.clipping = options.clipping.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.trimming = options.trimming.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.voiceNoise = options.modulatedNoise.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.clicks = options.clicks.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.truncation = options.truncation.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.compression = options.compression.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.suppression = options.noiseSuppression.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        p.tilt = options.tilt.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
        return p
    }

    /// `samples` sped up by `percent` / 100 (slowed down below 100): read as if recorded at that
    /// many times their rate, then brought back to it, so that tempo, pitch and formants all move by
    /// the factor (Kaldi's speed perturbation). On the 0.01 grid the ratio is one of small whole
    /// numbers, for which libsoxr designs its filter quickly (`cochlea bench speed`: 0.14 ms per 1 s
    /// clip, against 0.37 ms for the arbitrary ratios used until 2026-11-27).
    static func speed(_ samples: [Float], percent: Int) throws -> [Float] {
        percent == 100 ? samples : try Resampler.resample(samples, from: percent, to: 100)
    }

    /// Utterance `i`'s audio (or its spliced words' joined) resampled, tilted, given noise under the
    /// voice, reverberated, given clicks in its pauses, mixed with noise, band-limited, noise-suppressed,
    /// compressed, clipped, then cut inside its speech, trimmed and padded with zeros, as `p` says.
    func perturbedAudio(of i: Int, _ p: Perturbation, worker: Worker, random: inout SeededRandom) throws -> [Float] {
        let rate = options.features.options.sampleRate
        func decode(_ j: Int) throws -> [Float] { try AudioDecoder.decode(path: items[j].utterance.path, sampleRate: rate).samples }
        var samples: [Float]
        if let words = p.splice, let splicing = options.splicing {
            samples = splicing.join(try words.map(decode), sampleRate: rate, random: &random)
        } else {
            samples = try decode(i)
        }
        samples = try Self.speed(samples, percent: Int((p.speed * 100).rounded()))
        if let tilt = p.tilt { samples = tilt.tilt(samples, sampleRate: rate, random: &random) }
        if let voiceNoise = p.voiceNoise { samples = voiceNoise.add(to: samples, sampleRate: rate, random: &random) }
        if let room = p.room { samples = room.reverberate(samples, sampleRate: rate, convolver: worker.convolver, random: &random) }
        if let clicks = p.clicks { samples = clicks.add(to: samples, sampleRate: rate, random: &random) }
        if p.noise, let mixer { samples = mixer.mix(samples, random: &random) }
        if let channel = p.channel {
            samples = channel.bandLimit(samples, sampleRate: rate, convolver: worker.convolver, random: &random)
        }
        if let suppression = p.suppression { samples = suppression.suppress(samples, gate: worker.gate, random: &random) }
        if let compression = p.compression { samples = compression.compress(samples, sampleRate: rate, random: &random) }
        if let clipping = p.clipping { samples = clipping.clip(samples, random: &random) }
        if let truncation = p.truncation { samples = truncation.truncate(samples, sampleRate: rate, random: &random) }
        if let trimming = p.trimming { samples = trimming.trim(samples, sampleRate: rate, random: &random) }
        return samples
    }
}
