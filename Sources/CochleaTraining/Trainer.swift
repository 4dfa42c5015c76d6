import CochleaAudio
import CochleaCore
import CochleaDecoding
import CochleaFeatures
import CochleaLinalg
import CochleaModel
import CochleaNN
import Foundation

/// What the trainer reports while it works; the CLI turns these into a progress bar or lines.
public enum TrainingEvent {
    case message(String)
    case features(done: Int, total: Int)
    case batch(BatchProgress)
    case epoch(EpochRecord, isBest: Bool, secondsLeft: Double)
    /// Entries skipped before training starts, each with its file and line.
    case problems([DatasetProblem])
}

public struct BatchProgress {
    public var epoch: Int, epochs: Int, batch: Int, batches: Int
    /// Mean loss per utterance so far this epoch.
    public var meanLoss: Double
    public var framesPerSecond: Double
    public var secondsLeft: Double
}

public struct TrainingSummary {
    public var history: [EpochRecord]
    public var bestWER: Double
    public var stoppedEarly: Bool
    public var test: EvaluationResult?
    public var problems: [DatasetProblem]
}

/// Trains a model into `output`: `config.json` + `model.safetensors` (the best epoch by validation
/// WER), `checkpoints/last.safetensors` and `checkpoints/best.safetensors`, `history.tsv`,
/// `history.svg`, `problems.txt` and, when the data has a test split, `test_report.json`.
public final class Trainer {
    public let output: String
    public var onEvent: (TrainingEvent) -> Void = { _ in }
    /// Checked after every batch; true saves a checkpoint and stops (Ctrl-C, SIGTERM).
    public var shouldStop: () -> Bool = { false }

    public init(output: String) { self.output = output }

    var lastCheckpoint: String { output + "/checkpoints/last.safetensors" }
    var bestCheckpoint: String { output + "/checkpoints/best.safetensors" }

    /// Trains from scratch with `options`, or continues the run saved in `output` when `resume`.
    public func run(dataset: Dataset, options requested: TrainingOptions, resume: Bool) throws -> TrainingSummary {
        try FileManager.default.createDirectory(atPath: output + "/checkpoints", withIntermediateDirectories: true)
        let lock = try OutputLock(folder: output)
        defer { withExtendedLifetime(lock) {} }
        var saved: (config: ModelConfig, state: TrainerState, parameters: [Float], optimizer: Adam<Float>)?
        if resume {
            guard FileManager.default.fileExists(atPath: lastCheckpoint) else {
                throw TrainingError.incompatibleResume(path: lastCheckpoint, reason: "no checkpoint to resume from")
            }
            saved = try Checkpoint.read(lastCheckpoint)
            onEvent(.message("resuming from \(lastCheckpoint): epoch \(saved!.state.epoch + 1), batch \(saved!.state.batch + 1), with the options it was started with"))
        }
        var state = saved?.state ?? TrainerState(options: requested)
        let options = state.options
        try options.validate()
        BLASThreads.count = 1

        let plan = TrainingSet(dataset: dataset, options: options, tokens: saved?.config.tokens)
        var problems = plan.problems
        let items = plan.all
        onEvent(.message("computing features of \(items.count) utterances (\(plan.train.count) train, \(plan.validation.count) validation, \(plan.test.count) test)"))
        var done = 0
        let featureLock = NSLock()
        let store = try FeatureStore(utterances: items.map(\.utterance), pipeline: options.features, threads: options.threads,
                                     problems: &problems) { count in
            featureLock.lock()
            done += count
            let current = done
            featureLock.unlock()
            if current % 200 == 0 || current == items.count { self.onEvent(.features(done: current, total: items.count)) }
        }
        // Keep only utterances with features long enough for their labels (one frame per label plus
        // one per repeated pair, as CTC needs).
        func usable(_ range: Range<Int>) -> [Int] {
            range.filter { i in
                let frames = store.frames[i]
                guard frames > 0 else { return false }
                let target = items[i].target
                let needed = target.count + zip(target, target.dropFirst()).filter { $0 == $1 }.count
                if frames < needed {
                    problems.append(DatasetProblem(kind: .tooShort, location: items[i].utterance.source,
                                                   detail: "\(frames) frames for \(target.count) characters of \"\(items[i].utterance.transcript)\""))
                    return false
                }
                return true
            }
        }
        let trainIndices = usable(0..<plan.train.count)
        let validationIndices = usable(plan.train.count..<(plan.train.count + plan.validation.count))
        let testIndices = usable((plan.train.count + plan.validation.count)..<items.count)
        try writeProblems(problems)
        if !problems.isEmpty { onEvent(.problems(problems)) }
        guard !trainIndices.isEmpty else {
            throw TrainingError.nothingUsable(reason: problems.isEmpty ? "the dataset has no training utterances" : "every training entry had a problem (see \(output)/problems.txt)")
        }

        let shape = NetworkShape(inputSize: options.features.dimension, hiddenSize: options.hiddenSize, layers: options.layers,
                                 classes: plan.tokenizer.tokens.count)
        let config = saved?.config ?? ModelConfig(features: options.features, network: shape, tokens: plan.tokenizer.tokens)
        let network = saved.map { AcousticNetwork<Float>(shape: shape, parameters: $0.parameters) }
            ?? AcousticNetwork<Float>(shape: shape, seed: options.seed)
        network.dropout = options.dropout
        let optimizer = saved?.optimizer ?? Adam<Float>(count: network.layout.count, options: AdamOptions(learningRate: options.learningRate, weightDecay: options.weightDecay))
        let step = TrainingStep(network: network, optimizer: optimizer, clipNorm: options.clipNorm, threads: options.threads)
        let decoder = GreedyDecoder(tokens: config.tokens, timing: FrameTiming(shift: options.features.frameShiftSeconds,
                                                                                 length: options.features.frameLengthSeconds))
        let mixer = options.noiseProbability > 0 && !dataset.noiseFiles.isEmpty
            ? try NoiseMixer(files: dataset.noiseFiles, sampleRate: options.features.options.sampleRate, snrRange: options.noiseSNR) : nil
        let preparer = try BatchPreparer(items: items, store: store, options: options, mixer: mixer)
        let batcher = Batcher(frames: trainIndices.map { store.frames[$0] }, batchSize: options.batchSize, seed: options.seed)
        let batchesPerEpoch = (trainIndices.count + options.batchSize - 1) / options.batchSize
        let totalSteps = batchesPerEpoch * options.epochs
        onEvent(.message("training \(ParameterLayout(shape).count) parameters (\(options.layers) × \(options.hiddenSize) BiLSTM, \(shape.classes) tokens) on \(trainIndices.count) utterances, \(batchesPerEpoch) batches per epoch"))
        try AcousticModel(config: config, parameters: network.parameterValues).save(to: output)

        var stoppedEarly = false
        var epochSeconds = [Double]()
        epochLoop: while state.epoch < options.epochs && !state.finished {
            let batches = batcher.batches(epoch: state.epoch)
            while state.batch < batches.count {
                let started = Date()
                let members = batches[state.batch].map { trainIndices[$0] }
                let prepared = try preparer.prepare(members, epoch: state.epoch, batch: state.batch)
                let rate = options.rate(step: state.step, totalSteps: totalSteps, plateauRate: state.plateauRate)
                let result = step.run(prepared, learningRate: rate, dropoutSeed: options.seed &* 31 &+ UInt64(state.step))
                if result.applied {
                    state.partial.loss += result.loss
                    state.partial.utterances += result.utterances - result.infeasible
                } else {
                    state.partial.skippedBatches += 1
                }
                state.step += 1
                state.partial.infeasible += result.infeasible
                state.partial.frames += prepared.lengths.reduce(0, +)
                state.partial.seconds += Date().timeIntervalSince(started)
                state.batch += 1
                let fps = Double(state.partial.frames) / max(state.partial.seconds, 1e-9)
                let perEpoch = epochSeconds.isEmpty ? state.partial.seconds / Double(state.batch) * Double(batches.count) : epochSeconds.reduce(0, +) / Double(epochSeconds.count)
                onEvent(.batch(BatchProgress(
                    epoch: state.epoch, epochs: options.epochs, batch: state.batch, batches: batches.count,
                    meanLoss: state.partial.loss / Double(max(1, state.partial.utterances)), framesPerSecond: fps,
                    secondsLeft: perEpoch * Double(options.epochs - state.epoch) - state.partial.seconds)))
                if shouldStop() {
                    try Checkpoint.write(to: lastCheckpoint, config: config, state: state, network: network, optimizer: optimizer)
                    throw TrainingError.interrupted(checkpoint: lastCheckpoint)
                }
            }
            // End of epoch: validate, record, checkpoint.
            let started = Date()
            let validation = try validationIndices.isEmpty ? nil : evaluate(
                validationIndices.map { items[$0] }, featureIndices: validationIndices, features: store, step: step, decoder: decoder)
            state.partial.seconds += Date().timeIntervalSince(started)
            let record = EpochRecord(
                epoch: state.epoch + 1, steps: state.step,
                learningRate: options.rate(step: max(0, state.step - 1), totalSteps: totalSteps, plateauRate: state.plateauRate),
                trainLoss: state.partial.loss / Double(max(1, state.partial.utterances)),
                validationLoss: validation?.meanLoss ?? .nan, validationWER: validation?.rates.wordErrorRate ?? .nan,
                validationCER: validation?.rates.characterErrorRate ?? .nan, seconds: state.partial.seconds,
                framesPerSecond: Double(state.partial.frames) / max(state.partial.seconds, 1e-9),
                skippedBatches: state.partial.skippedBatches, infeasible: state.partial.infeasible)
            epochSeconds.append(record.seconds)
            state.history.append(record)
            let wer = validation?.rates.wordErrorRate ?? record.trainLoss
            let isBest = wer < state.bestWER || (wer == state.bestWER && record.validationLoss < state.bestValidationLoss)
            if wer < state.bestWER {
                state.bestWER = wer
                state.epochsSinceWERImproved = 0
            } else if state.bestWER < 1 {
                // Until the model gets any word right, WER sits at 100% while CTC learns blanks first:
                // that is not a plateau.
                state.epochsSinceWERImproved += 1
            }
            if record.validationLoss < state.bestValidationLoss {
                state.bestValidationLoss = record.validationLoss
                state.epochsSinceLossImproved = 0
            } else {
                state.epochsSinceLossImproved += 1
                if options.schedule == .plateau && state.epochsSinceLossImproved >= options.plateauPatience {
                    state.plateauRate *= 0.5
                    state.epochsSinceLossImproved = 0
                }
            }
            state.epoch += 1
            state.batch = 0
            state.partial = EpochTotals()
            if options.earlyStoppingPatience > 0 && state.epochsSinceWERImproved >= options.earlyStoppingPatience && state.epoch < options.epochs {
                stoppedEarly = true
                state.finished = true
            }
            if isBest {
                var bestConfig = config
                bestConfig.notes = notes(record, trainCount: trainIndices.count)
                try AcousticModel(config: bestConfig, parameters: network.parameterValues).save(to: output)
                try Checkpoint.write(to: bestCheckpoint, config: config, state: state, network: network, optimizer: optimizer)
            }
            try Checkpoint.write(to: lastCheckpoint, config: config, state: state, network: network, optimizer: optimizer)
            try AtomicFile.write(HistoryFiles.tsv(state.history), to: output + "/history.tsv")
            try AtomicFile.write(HistoryFiles.svg(state.history), to: output + "/history.svg")
            let meanEpoch = epochSeconds.reduce(0, +) / Double(epochSeconds.count)
            onEvent(.epoch(record, isBest: isBest, secondsLeft: state.finished ? 0 : meanEpoch * Double(options.epochs - state.epoch)))
            if stoppedEarly {
                onEvent(.message("stopping early: validation WER has not improved for \(options.earlyStoppingPatience) epochs"))
                break epochLoop
            }
            if shouldStop() { throw TrainingError.interrupted(checkpoint: lastCheckpoint) }
        }

        // The best model on the test voices.
        var test: EvaluationResult?
        if !testIndices.isEmpty {
            let best = try AcousticModel.load(from: output)
            let bestStep = TrainingStep(network: best.makeNetwork(), optimizer: Adam(count: 1, options: AdamOptions()), clipNorm: 0, threads: options.threads)
            test = try evaluate(testIndices.map { items[$0] }, featureIndices: testIndices, features: store, step: bestStep, decoder: decoder)
            try writeTestReport(test!)
        }
        return TrainingSummary(history: state.history, bestWER: state.bestWER, stoppedEarly: stoppedEarly, test: test, problems: problems)
    }

    private func notes(_ record: EpochRecord, trainCount: Int) -> [String: String] {
        ["epoch": String(record.epoch), "validation_wer": String(format: "%.4f", record.validationWER),
         "validation_cer": String(format: "%.4f", record.validationCER), "training_utterances": String(trainCount),
         "trained_with": "cochlea train"]
    }

    private func writeProblems(_ problems: [DatasetProblem]) throws {
        let text = problems.map(\.description).joined(separator: "\n") + (problems.isEmpty ? "" : "\n")
        try AtomicFile.write(text, to: output + "/problems.txt")
    }

    private func writeTestReport(_ result: EvaluationResult) throws {
        struct Report: Encodable {
            var all: ErrorRates
            var singleWords: ErrorRates
            var multiWord: ErrorRates
            var errors: [[String: String]]
        }
        let (single, multiple) = result.byLength
        let errors = result.references.indices.filter { result.references[$0] != result.hypotheses[$0] }
            .map { ["reference": result.references[$0], "hypothesis": result.hypotheses[$0]] }
        try AtomicFile.write(JSONCoding.encoder(pretty: true).encode(Report(all: result.rates, singleWords: single, multiWord: multiple, errors: errors)),
                             to: output + "/test_report.json")
    }
}
