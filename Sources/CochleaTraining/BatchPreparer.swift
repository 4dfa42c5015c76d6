import CochleaAudio
import CochleaCore
import CochleaFeatures
import Foundation

/// Builds a training batch: cached features, or, for the utterances chosen for speed perturbation,
/// reverberation, noise or a warped filterbank this epoch, features recomputed from the audio
/// resampled, reverberated and mixed with background noise (in that order, as a voice reaches a
/// microphone); then SpecAugment masks. Every random choice comes from (seed, epoch, batch, position),
/// so a resumed run repeats it exactly.
final class BatchPreparer {
    let items: [PlannedUtterance]
    let store: FeatureStore
    let options: TrainingOptions
    let mixer: NoiseMixer?
    private let workers: [Worker]

    /// One per thread: feature extractors for the unwarped filterbank and, made when first needed,
    /// for each warp factor; a convolver for reverberation.
    final class Worker {
        let pipeline: FeaturePipeline
        let convolver = FFTConvolver()
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

    init(items: [PlannedUtterance], store: FeatureStore, options: TrainingOptions, mixer: NoiseMixer?) throws {
        self.items = items
        self.store = store
        self.options = options
        self.mixer = mixer
        workers = (0..<options.threads).map { _ in Worker(options.features) }
    }

    /// `positions`: each member's position in the global batch when the batch is split over
    /// processes (its random choices follow it), else its index in `members`.
    func prepare(_ members: [Int], positions: [Int]? = nil, epoch: Int, batch: Int) throws -> PreparedBatch {
        var features = [FeatureMatrix](repeating: FeatureMatrix(frames: 0, dims: options.features.dimension), count: members.count)
        var failure: Error?
        let lock = NSLock()
        let blocks = options.features.blocks
        features.withUnsafeMutableBufferPointer { out in
            Parallel.forEach(count: members.count, threads: options.threads, makeWorker: { self.workers[$0] }) { worker, position in
                let i = members[position]
                let place = positions?[position] ?? position
                var random = SeededRandom(seed: options.seed ^ (UInt64(epoch) << 40) ^ (UInt64(batch) << 16) ^ UInt64(place))
                do {
                    var matrix = try store.features(i)
                    let speed = random.nextUnitDouble() < options.speedProbability ? random.nextDouble(in: options.speedRange) : 1
                    let noise = mixer != nil && random.nextUnitDouble() < options.noiseProbability
                    let warpStep = random.nextUnitDouble() < options.warpProbability
                        ? Int(((random.nextDouble(in: options.warpRange) - 1) / 0.025).rounded()) : 0
                    // Drawn only when asked for, so that runs without it repeat earlier versions' draws.
                    let room = options.reverberation.flatMap { random.nextUnitDouble() < $0.probability ? $0 : nil }
                    if speed != 1 || noise || warpStep != 0 || room != nil {
                        let extractor = try worker.extractor(warpStep: warpStep)
                        let rate = options.features.options.sampleRate
                        var samples = try AudioDecoder.decode(path: items[i].utterance.path, sampleRate: rate).samples
                        // Played at `speed` times its rate: slower and lower for speed < 1.
                        if speed != 1 { samples = try Resampler.resample(samples, from: Int((Double(rate) / speed).rounded()), to: rate) }
                        if let room {
                            samples = room.reverberate(samples, sampleRate: rate, convolver: worker.convolver, random: &random)
                        }
                        if noise, let mixer { samples = mixer.mix(samples, random: &random) }
                        let perturbed = extractor.features(of: samples)
                        let needed = items[i].target.count + zip(items[i].target, items[i].target.dropFirst()).filter { $0 == $1 }.count
                        if perturbed.frames >= needed { matrix = perturbed }
                    }
                    options.specAugment.apply(to: &matrix, blocks: blocks, random: &random)
                    out[position] = matrix
                } catch {
                    lock.lock()
                    failure = error
                    lock.unlock()
                }
            }
        }
        if let failure { throw failure }
        return PreparedBatch(features: features, targets: members.map { items[$0].target })
    }
}
