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

/// Decodes `items` (indices into `features`) in batches of similar length. Over several processes,
/// each decodes the batches dealt to it round-robin (the same batches one process would run, so
/// every utterance's log-probabilities are the same bits), and the hypotheses and losses are
/// gathered and summed in the single-process order: every process gets the single-process result.
func evaluate(_ items: [PlannedUtterance], featureIndices: [Int], features: FeatureStore, step: TrainingStep,
              decoder: GreedyDecoder, batchSize: Int = 64) throws -> EvaluationResult {
    let communicator = step.communicator
    let frames = featureIndices.map { features.frames[$0] }
    let batches = Batcher.sequential(frames: frames, batchSize: batchSize)
    var hypotheses = [String](repeating: "", count: items.count)
    var losses = [Double](repeating: 0, count: items.count), infinite = [Bool](repeating: false, count: items.count)
    for k in communicator.roundRobin(batches.count) {
        let batch = batches[k]
        let prepared = PreparedBatch(features: try batch.map { try features.features(featureIndices[$0]) },
                                     targets: batch.map { items[$0].target })
        let (logProbs, batchLosses, batchInfinite) = step.evaluate(prepared)
        let classes = step.network.shape.classes, b = batch.count
        logProbs.withUnsafeBufferPointer { lp in
            for (position, item) in batch.enumerated() {
                let utterance = LogProbabilities(values: UnsafeBufferPointer(rebasing: lp[(position * classes)...]),
                                                 frames: prepared.lengths[position], classes: classes, rowStride: b * classes)
                hypotheses[item] = decoder.decode(utterance).text
                losses[item] = batchLosses[position]
                infinite[item] = batchInfinite[position]
            }
        }
    }
    if communicator.size > 1 {
        // Each process's utterances in the order of its batches, then put back in place.
        let mine = communicator.roundRobin(batches.count).flatMap { batches[$0] }
        let texts = communicator.allgather(strings: mine.map { hypotheses[$0] })
        let values = communicator.allgather(doubles: mine.map { infinite[$0] ? .infinity : losses[$0] })
        for r in 0..<communicator.size {
            let theirs = stride(from: r, to: batches.count, by: communicator.size).flatMap { batches[$0] }
            for (j, item) in theirs.enumerated() {
                hypotheses[item] = texts[r][j]
                infinite[item] = values[r][j] == .infinity
                losses[item] = infinite[item] ? 0 : values[r][j]
            }
        }
    }
    var lossSum = 0.0, counted = 0
    for batch in batches {
        for item in batch where !infinite[item] {
            lossSum += losses[item]
            counted += 1
        }
    }
    let references = items.map(\.utterance.transcript)
    return EvaluationResult(meanLoss: counted > 0 ? lossSum / Double(counted) : .nan,
                            rates: ErrorRates(references: references, hypotheses: hypotheses),
                            references: references, hypotheses: hypotheses)
}
