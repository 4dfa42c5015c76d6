import CochleaAudio
import CochleaCore
import CochleaFeatures
import Foundation

/// Builds a training batch: cached features, or, for the utterances chosen for speed perturbation
/// or noise this epoch, features recomputed from the audio resampled and mixed with background
/// noise; then SpecAugment masks. Every random choice comes from (seed, epoch, batch, position),
/// so a resumed run repeats it exactly.
final class BatchPreparer {
    let items: [PlannedUtterance]
    let store: FeatureStore
    let options: TrainingOptions
    let mixer: NoiseMixer?
    private let extractors: [PipelineExtractor]

    init(items: [PlannedUtterance], store: FeatureStore, options: TrainingOptions, mixer: NoiseMixer?) throws {
        self.items = items
        self.store = store
        self.options = options
        self.mixer = mixer
        extractors = try (0..<options.threads).map { _ in try PipelineExtractor(options.features) }
    }

    /// `positions`: each member's position in the global batch when the batch is split over
    /// processes (its random choices follow it), else its index in `members`.
    func prepare(_ members: [Int], positions: [Int]? = nil, epoch: Int, batch: Int) throws -> PreparedBatch {
        var features = [FeatureMatrix](repeating: FeatureMatrix(frames: 0, dims: options.features.dimension), count: members.count)
        var failure: Error?
        let lock = NSLock()
        let blocks = options.features.blocks
        try features.withUnsafeMutableBufferPointer { out in
            try Parallel.forEach(count: members.count, threads: options.threads, makeWorker: { self.extractors[$0] }) { extractor, position in
                let i = members[position]
                let place = positions?[position] ?? position
                var random = SeededRandom(seed: options.seed ^ (UInt64(epoch) << 40) ^ (UInt64(batch) << 16) ^ UInt64(place))
                do {
                    var matrix = try store.features(i)
                    let range = options.speedRange
                    let speed = random.nextUnitDouble() < options.speedProbability
                        ? range.lowerBound + random.nextUnitDouble() * (range.upperBound - range.lowerBound) : 1
                    let noise = mixer != nil && random.nextUnitDouble() < options.noiseProbability
                    if speed != 1 || noise {
                        let rate = options.features.options.sampleRate
                        var samples = try AudioDecoder.decode(path: items[i].utterance.path, sampleRate: rate).samples
                        // Played at `speed` times its rate: slower and lower for speed < 1.
                        if speed != 1 { samples = try Resampler.resample(samples, from: Int((Double(rate) / speed).rounded()), to: rate) }
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
