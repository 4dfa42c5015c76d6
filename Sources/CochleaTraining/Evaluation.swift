import CochleaDecoding
import CochleaFeatures
import CochleaMetrics
import Foundation

/// Error rates of one set of utterances.
public struct ErrorRates: Codable, Equatable, Sendable {
    public var utterances: Int
    public var referenceWords: Int
    public var wordErrorRate: Double
    public var characterErrorRate: Double
    public var sentenceErrorRate: Double

    init(references: [String], hypotheses: [String]) {
        let score = Metrics.score(references: references, hypotheses: hypotheses, threads: 1, options: .characters)
        utterances = references.count
        referenceWords = score.totals.words.referenceLength
        wordErrorRate = references.isEmpty ? 0 : score.totals.wordErrorRate
        characterErrorRate = references.isEmpty ? 0 : score.totals.characterErrorRate
        sentenceErrorRate = references.isEmpty ? 0 : score.totals.sentenceErrorRate
    }
}

/// Results of decoding a set with greedy decoding.
public struct EvaluationResult: Sendable {
    public var meanLoss: Double
    public var rates: ErrorRates
    public var references: [String]
    public var hypotheses: [String]

    /// Single keywords and multi-word utterances apart, as the accuracy target asks.
    public var byLength: (single: ErrorRates, multiple: ErrorRates) {
        let single = references.indices.filter { !references[$0].contains(" ") }
        let multiple = references.indices.filter { references[$0].contains(" ") }
        return (ErrorRates(references: single.map { references[$0] }, hypotheses: single.map { hypotheses[$0] }),
                ErrorRates(references: multiple.map { references[$0] }, hypotheses: multiple.map { hypotheses[$0] }))
    }
}

/// Decodes `items` (indices into `features`) in batches of similar length.
func evaluate(_ items: [PlannedUtterance], featureIndices: [Int], features: FeatureStore, step: TrainingStep,
              decoder: GreedyDecoder, batchSize: Int = 64) throws -> EvaluationResult {
    var hypotheses = [String](repeating: "", count: items.count)
    var lossSum = 0.0, counted = 0
    let frames = featureIndices.map { features.frames[$0] }
    for batch in Batcher.sequential(frames: frames, batchSize: batchSize) {
        let prepared = PreparedBatch(features: try batch.map { try features.features(featureIndices[$0]) },
                                     targets: batch.map { items[$0].target })
        let (logProbs, losses, infinite) = step.evaluate(prepared)
        let classes = step.network.shape.classes, b = batch.count
        logProbs.withUnsafeBufferPointer { lp in
            for (position, item) in batch.enumerated() {
                let utterance = LogProbabilities(values: UnsafeBufferPointer(rebasing: lp[(position * classes)...]),
                                                 frames: prepared.lengths[position], classes: classes, rowStride: b * classes)
                hypotheses[item] = decoder.decode(utterance).text
                if !infinite[position] {
                    lossSum += losses[position]
                    counted += 1
                }
            }
        }
    }
    let references = items.map(\.utterance.transcript)
    return EvaluationResult(meanLoss: counted > 0 ? lossSum / Double(counted) : .nan,
                            rates: ErrorRates(references: references, hypotheses: hypotheses),
                            references: references, hypotheses: hypotheses)
}
