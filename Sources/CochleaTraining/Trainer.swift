import CochleaAudio
import CochleaCore
import CochleaDecoding
import CochleaDistributed
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
    /// A checkpoint was written (atomically: the file is whole from this moment on).
    case checkpoint(path: String, epoch: Int, batch: Int)
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
///
/// With a distributed `communicator` (mpirun), every rank runs this same loop: each takes its
/// round-robin shard of every global batch (the batches are a function of the seed, so the split
/// is too), the gradients are summed over ranks, and every rank applies the same Adam step.
/// Validation and test batches are dealt round-robin and their results gathered. Only rank 0
/// touches `output` (lock, checkpoints, history, reports) and reports events; a resumed run's
/// checkpoint is read by rank 0 and sent to the others, so the ranks need no shared file system.
public final class Trainer {
    public let output: String
    public var onEvent: (TrainingEvent) -> Void = { _ in }
    /// Checked after every batch; true saves a checkpoint and stops (Ctrl-C, SIGTERM). Under
    /// mpirun the ranks stop together when any of them says so.
    public var shouldStop: () -> Bool = { false }
    /// The processes of the job; a plain run's is a `SingleProcess`.
    public var communicator: Communicator = SingleProcess()
    /// Overlap the gradient sum over ranks with the backward pass of lower layers (on a second
    /// thread, which pays only when a core is free for it).
    public var overlapReduction = false
    /// The clock `TrainingOptions.timeLimit` is measured by (tests set one that ticks on demand).
    public var clock: () -> Date = { Date() }

    public init(output: String) { self.output = output }

    private var isWriter: Bool { communicator.rank == 0 }
    private var distributed: Bool { communicator.isDistributed }
    private func emit(_ event: TrainingEvent) { if isWriter { onEvent(event) } }

    /// Runs `body` on rank 0 only and hands its bytes to every rank; an error there is rethrown on
    /// rank 0 and becomes `failedOnRankZero` elsewhere. A plain run just runs `body`.
    private func onRankZero(_ body: () throws -> [UInt8]) throws -> [UInt8] {
        guard distributed else { return try body() }
        var outcome: Result<[UInt8], Error> = .success([])
        if isWriter { outcome = Result { try body() } }
        let sent: [UInt8]
        switch outcome {
        case .success(let bytes): sent = [0] + bytes
        case .failure(let error): sent = [1] + Array("\(error)".utf8)
        }
        let received = communicator.broadcast(bytes: isWriter ? sent : [], root: 0)
        if case .failure(let error) = outcome { throw error }
        guard received.first == 0 else { throw TrainingError.failedOnRankZero(String(decoding: received.dropFirst(), as: UTF8.self)) }
        return Array(received.dropFirst())
    }

    var lastCheckpoint: String { output + "/checkpoints/last.safetensors" }
    var bestCheckpoint: String { output + "/checkpoints/best.safetensors" }

    /// Trains from scratch with `options`, or continues the run saved in `output` when `resume`.
    public func run(dataset: Dataset, options requested: TrainingOptions, resume: Bool) throws -> TrainingSummary {
        let runStarted = clock()
        var lock: OutputLock?
        defer { withExtendedLifetime(lock) {} }
        // Rank 0 takes the folder and reads the checkpoint; every rank gets its bytes.
        let checkpointBytes = try onRankZero {
            try FileManager.default.createDirectory(atPath: output + "/checkpoints", withIntermediateDirectories: true)
            lock = try OutputLock(folder: output)
            guard resume else { return [] }
            guard FileManager.default.fileExists(atPath: lastCheckpoint) else {
                throw TrainingError.incompatibleResume(path: lastCheckpoint, reason: "no checkpoint to resume from")
            }
            guard distributed else { return [] }
            guard let data = FileManager.default.contents(atPath: lastCheckpoint) else { throw ModelError.missing(path: lastCheckpoint) }
            return [UInt8](data)
        }
        var saved: (config: ModelConfig, state: TrainerState, parameters: [Float], optimizer: Adam<Float>)?
        if resume {
            saved = distributed ? try Checkpoint.read(data: Data(checkpointBytes), path: lastCheckpoint) : try Checkpoint.read(lastCheckpoint)
            emit(.message("resuming from \(lastCheckpoint): epoch \(saved!.state.epoch + 1), batch \(saved!.state.batch + 1), with the options it was started with"))
            let before = saved!.state.processes, now = distributed ? communicator.size : nil
            func name(_ processes: Int?) -> String { processes.map { "\($0) process\($0 == 1 ? "" : "es") under mpirun" } ?? "a plain run" }
            if before != now {
                emit(.message("this run was trained as \(name(before)) and continues as \(name(now)): the same training to float rounding"
                              + ((before == nil) != (now == nil) && saved!.state.options.dropout > 0 ? ", but with dropout masks drawn per utterance under mpirun and per batch otherwise" : "")))
            }
        }
        // A fine-tuning run takes the features, network shape and tokens of the model it starts from.
        let initial = resume ? nil : try requested.initialModel.map(loadInitialModel)
        var state = saved?.state ?? TrainerState(options: initial.map { requested.adopting($0.config) } ?? requested)
        state.processes = distributed ? communicator.size : nil
        let options = state.options
        try options.validate()
        BLASThreads.count = 1

        let plan = TrainingSet(dataset: dataset, options: options, tokens: saved?.config.tokens ?? initial?.config.tokens)
        var problems = plan.problems
        let items = plan.all
        emit(.message("computing features of \(items.count) utterances (\(plan.train.count) train, \(plan.validation.count) validation, \(plan.test.count) test)"))
        var done = 0
        let featureLock = NSLock()
        let store = try FeatureStore(utterances: items.map(\.utterance), pipeline: options.features, threads: options.threads,
                                     problems: &problems) { count in
            featureLock.lock()
            done += count
            let current = done
            featureLock.unlock()
            if current % 200 == 0 || current == items.count { self.emit(.features(done: current, total: items.count)) }
        }
        // Keep only utterances with features long enough for their labels.
        func usable(_ range: Range<Int>) -> [Int] {
            range.filter { i in
                let frames = store.frames[i]
                guard frames > 0 else { return false }
                if frames < items[i].minimumFrames {
                    problems.append(DatasetProblem(kind: .tooShort, location: items[i].utterance.source,
                                                   detail: "\(frames) frames for \(items[i].target.count) characters of \"\(items[i].utterance.transcript)\""))
                    return false
                }
                return true
            }
        }
        let trainIndices = usable(0..<plan.train.count)
        let validationIndices = usable(plan.train.count..<(plan.train.count + plan.validation.count))
        let testIndices = usable((plan.train.count + plan.validation.count)..<items.count)
        if isWriter { try writeProblems(problems) }
        if !problems.isEmpty { emit(.problems(problems)) }
        guard !trainIndices.isEmpty else {
            throw TrainingError.nothingUsable(reason: problems.isEmpty ? "the dataset has no training utterances" : "every training entry had a problem (see \(output)/problems.txt)")
        }

        let shape = NetworkShape(inputSize: options.features.dimension, hiddenSize: options.hiddenSize, layers: options.layers,
                                 classes: plan.tokenizer.tokens.count)
        let config = saved?.config ?? {
            var config = ModelConfig(features: options.features, network: shape, tokens: plan.tokenizer.tokens)
            let words = Set(plan.train.flatMap { $0.utterance.transcript.split(separator: " ").map(String.init) })
            if words.count <= TrainingSet.keywordVocabularyLimit { config.vocabulary = words.sorted() }
            return config
        }()
        let network = saved.map { AcousticNetwork<Float>(shape: shape, parameters: $0.parameters) }
            ?? initial.map { AcousticNetwork<Float>(shape: shape, parameters: $0.parameters) }
            ?? AcousticNetwork<Float>(shape: shape, seed: options.seed)
        if let initial, let path = options.initialModel {
            emit(.message("starting from the weights of \(path) (\(shape.layers) × \(shape.hiddenSize) BiLSTM, \(initial.config.tokens.count) tokens) with its features"))
        }
        network.dropout = options.dropout
        let optimizer = saved?.optimizer ?? Adam<Float>(count: network.layout.count, options: AdamOptions(learningRate: options.learningRate, weightDecay: options.weightDecay))
        let step = TrainingStep(network: network, optimizer: optimizer, clipNorm: options.clipNorm, threads: options.threads,
                                communicator: communicator)
        step.overlapReduction = overlapReduction
        let decoder = GreedyDecoder(tokens: config.tokens, timing: FrameTiming(shift: options.features.frameShiftSeconds,
                                                                                 length: options.features.frameLengthSeconds))
        let mixer = options.noiseProbability > 0 && !dataset.noiseFiles.isEmpty
            ? try NoiseMixer(files: dataset.noiseFiles, sampleRate: options.features.options.sampleRate, snrRange: options.noiseSNR) : nil
        let preparer = try BatchPreparer(items: items, store: store, options: options, mixer: mixer,
                                         training: trainIndices, separator: plan.tokenizer.encode(" ")?.first)
        let batcher = Batcher(frames: trainIndices.map { store.frames[$0] }, batchSize: options.batchSize, seed: options.seed)
        let batchesPerEpoch = (trainIndices.count + options.batchSize - 1) / options.batchSize
        var totalSteps = batchesPerEpoch * state.options.epochs
        emit(.message("training \(ParameterLayout(shape).count) parameters (\(options.layers) × \(options.hiddenSize) BiLSTM, \(shape.classes) tokens) on \(trainIndices.count) utterances, \(batchesPerEpoch) batches per epoch"))
        if distributed {
            emit(.message("split over \(communicator.size) processes (MPI): each takes 1 in \(communicator.size) utterances of every batch of \(options.batchSize)"))
        }
        if isWriter { try AcousticModel(config: config, parameters: network.parameterValues).save(to: output) }
        func saveCheckpoint(_ path: String) throws {
            guard isWriter else { return }
            try Checkpoint.write(to: path, config: config, state: state, network: network, optimizer: optimizer)
            emit(.checkpoint(path: path, epoch: state.epoch, batch: state.batch))
        }

        var stoppedEarly = false
        var epochSeconds = [Double]()
        let budget = options.timeLimit.map { EpochBudget(limit: $0, runStarted: runStarted, loopStarted: clock(), firstEpoch: state.epoch) }
        epochLoop: while state.epoch < state.options.epochs && !state.finished {
            let batches = batcher.batches(epoch: state.epoch)
            while state.batch < batches.count {
                let started = Date()
                let members = batches[state.batch].map { trainIndices[$0] }
                let rate = options.rate(step: state.step, totalSteps: totalSteps, plateauRate: state.plateauRate)
                let dropoutSeed = options.seed &* 31 &+ UInt64(state.step)
                // Split over processes: positions r, r + N, r + 2N, … of the global batch (sorted by
                // length, so the shards are alike).
                let positions = distributed ? communicator.roundRobin(members.count) : nil
                let prepared = try preparer.prepare(positions.map { $0.map { members[$0] } } ?? members, positions: positions,
                                                    epoch: state.epoch, batch: state.batch)
                state.partial.preparationSeconds = (state.partial.preparationSeconds ?? 0) + Date().timeIntervalSince(started)
                let result = step.run(prepared, learningRate: rate, dropoutSeed: dropoutSeed,
                                      shard: positions.map { BatchShard(globalSize: members.count, positions: $0) })
                if result.applied {
                    state.partial.loss += result.loss
                    state.partial.utterances += result.utterances - result.infeasible
                } else {
                    state.partial.skippedBatches += 1
                }
                state.step += 1
                state.partial.infeasible += result.infeasible
                state.partial.frames += result.frames
                state.partial.seconds += Date().timeIntervalSince(started)
                state.batch += 1
                let fps = Double(state.partial.frames) / max(state.partial.seconds, 1e-9)
                let perEpoch = epochSeconds.isEmpty ? state.partial.seconds / Double(state.batch) * Double(batches.count) : epochSeconds.reduce(0, +) / Double(epochSeconds.count)
                emit(.batch(BatchProgress(
                    epoch: state.epoch, epochs: state.options.epochs, batch: state.batch, batches: batches.count,
                    meanLoss: state.partial.loss / Double(max(1, state.partial.utterances)), framesPerSecond: fps,
                    secondsLeft: perEpoch * Double(state.options.epochs - state.epoch) - state.partial.seconds)))
                if distributed ? communicator.any(shouldStop()) : shouldStop() {
                    try saveCheckpoint(lastCheckpoint)
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
                preparationSeconds: state.partial.preparationSeconds, framesPerSecond: Double(state.partial.frames) / max(state.partial.seconds, 1e-9),
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
            if options.earlyStoppingPatience > 0 && state.epochsSinceWERImproved >= options.earlyStoppingPatience && state.epoch < state.options.epochs {
                stoppedEarly = true
                state.finished = true
            }
            var cut: (epochs: Int, message: String)?
            if let budget, !state.finished, state.epoch < state.options.epochs {
                // Rank 0's clock decides for every rank, so that they plan the same epochs.
                var readings = budget.readings(at: clock(), done: state.epoch)
                if distributed { readings = communicator.allgather(doubles: readings)[0] }
                cut = budget.cut(planned: state.options.epochs, done: state.epoch, readings: readings)
                if let cut {
                    state.options.epochs = cut.epochs
                    totalSteps = batchesPerEpoch * cut.epochs
                }
            }
            if distributed {
                // Every rank applied the same sums to the same weights; check that they agree.
                let sums = communicator.allgather(bytes: withUnsafeBytes(of: Self.checksum(network.parameters), Array.init))
                if sums.contains(where: { $0 != sums[0] }) { throw TrainingError.ranksDisagree(epoch: record.epoch) }
            }
            if isBest && isWriter {
                var bestConfig = config
                bestConfig.notes = notes(record, trainCount: trainIndices.count, initialModel: options.initialModel)
                try AcousticModel(config: bestConfig, parameters: network.parameterValues).save(to: output)
            }
            if isBest { try saveCheckpoint(bestCheckpoint) }
            try saveCheckpoint(lastCheckpoint)
            if isWriter {
                try AtomicFile.write(HistoryFiles.tsv(state.history), to: output + "/history.tsv")
                try AtomicFile.write(HistoryFiles.svg(state.history), to: output + "/history.svg")
            }
            let meanEpoch = epochSeconds.reduce(0, +) / Double(epochSeconds.count)
            emit(.epoch(record, isBest: isBest, secondsLeft: state.finished ? 0 : meanEpoch * Double(state.options.epochs - state.epoch)))
            if let cut { emit(.message(cut.message)) }
            if stoppedEarly {
                emit(.message("stopping early: validation WER has not improved for \(options.earlyStoppingPatience) epochs"))
                break epochLoop
            }
            if distributed ? communicator.any(shouldStop()) : shouldStop() { throw TrainingError.interrupted(checkpoint: lastCheckpoint) }
        }

        // The best model on the test voices.
        var test: EvaluationResult?
        if !testIndices.isEmpty {
            let bestNetwork: AcousticNetwork<Float>
            if distributed {
                // Only rank 0 has the file: it sends the weights.
                let bytes = try onRankZero { try AcousticModel.load(from: output).parameters.withUnsafeBytes { Array($0) } }
                bestNetwork = AcousticNetwork<Float>(shape: shape, parameters: bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
            } else {
                bestNetwork = try AcousticModel.load(from: output).makeNetwork()
            }
            let bestStep = TrainingStep(network: bestNetwork, optimizer: Adam(count: 1, options: AdamOptions()), clipNorm: 0,
                                        threads: options.threads, communicator: communicator)
            test = try evaluate(testIndices.map { items[$0] }, featureIndices: testIndices, features: store, step: bestStep, decoder: decoder)
            if isWriter { try writeTestReport(test!) }
        }
        return TrainingSummary(history: state.history, bestWER: state.bestWER, stoppedEarly: stoppedEarly, test: test, problems: problems)
    }

    /// A weighted sum of the weights' bit patterns: equal on two ranks only if their weights almost surely are.
    static func checksum(_ values: UnsafeMutableBufferPointer<Float>) -> UInt64 {
        var sum: UInt64 = 0
        for (i, value) in values.enumerated() { sum = sum &+ UInt64(value.bitPattern) &* (UInt64(i) | 1) }
        return sum
    }

    private func notes(_ record: EpochRecord, trainCount: Int, initialModel: String?) -> [String: String] {
        var notes = ["epoch": String(record.epoch), "validation_wer": String(format: "%.4f", record.validationWER),
                     "validation_cer": String(format: "%.4f", record.validationCER), "training_utterances": String(trainCount),
                     "trained_with": "cochlea train"]
        if let initialModel { notes["fine_tuned_from"] = initialModel }
        return notes
    }

    /// The model a fine-tuning run starts from: read by rank 0 (the ranks need no shared file
    /// system) and sent to the others as its config's length, its config, then its weights file.
    private func loadInitialModel(_ folder: String) throws -> AcousticModel {
        guard distributed else { return try AcousticModel.load(from: folder) }
        let bytes = try onRankZero {
            let model = try AcousticModel.load(from: folder)
            let config = try model.configData()
            return withUnsafeBytes(of: UInt64(config.count).littleEndian) { Array($0) } + Array(config) + Array(model.weightsData())
        }
        let configCount = Int(UInt64(littleEndian: bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
        return try AcousticModel.decode(config: Data(bytes[8..<(8 + configCount)]), weights: Data(bytes[(8 + configCount)...]), folder: folder)
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

private extension TrainingOptions {
    /// These options with `config`'s features and network shape, for a run that starts from its weights.
    func adopting(_ config: ModelConfig) -> TrainingOptions {
        var options = self
        options.features = config.features
        options.layers = config.network.layers
        options.hiddenSize = config.network.hiddenSize
        return options
    }
}
