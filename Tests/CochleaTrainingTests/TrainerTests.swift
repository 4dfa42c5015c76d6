import CochleaCore
import CochleaModel
import CochleaTestSupport
import CochleaTraining
import Foundation
import XCTest

final class TrainerTests: XCTestCase {
    let folder = TemporaryDirectory()

    func tinyOptions() -> TrainingOptions {
        var o = TrainingOptions()
        o.hiddenSize = 8
        o.layers = 2
        o.epochs = 3
        o.batchSize = 4
        o.warmupSteps = 2
        o.earlyStoppingPatience = 0
        o.noiseProbability = 0.5
        o.reverberation = ReverberationOptions(probability: 0.5)
        o.bandLimit = BandLimitOptions(probability: 0.5)
        o.clipping = ClippingOptions(probability: 0.5)
        o.trimming = TrimmingOptions(probability: 0.5)
        o.modulatedNoise = ModulatedNoiseOptions(probability: 0.5)
        o.clicks = ClickOptions(probability: 0.5)
        o.truncation = TruncationOptions(probability: 0.5)
        o.compression = CompressionOptions(probability: 0.5)
        o.noiseSuppression = NoiseSuppressionOptions(probability: 0.5)
        o.tilt = TiltOptions(probability: 0.5)
        o.splicing = SplicingOptions(probability: 0.5)
        return o
    }

    func corpus() throws -> Dataset {
        let root = folder.file("corpus")
        if !FileManager.default.fileExists(atPath: root) { try TinyCorpus.write(to: root) }
        return try DatasetLoader.load(root)
    }

    /// Stopping after some batches, then `--resume`, reaches bit-identical weights and the same
    /// history as a run that was never interrupted.
    func testInterruptedAndResumedRunEqualsAnUninterruptedOne() throws {
        let dataset = try corpus()
        let straight = folder.file("straight"), interrupted = folder.file("interrupted")
        let summary = try Trainer(output: straight).run(dataset: dataset, options: tinyOptions(), resume: false)
        XCTAssertEqual(summary.history.count, 3)

        for stopAfter in [2, 5] {
            try? FileManager.default.removeItem(atPath: interrupted)
            let first = Trainer(output: interrupted)
            var batches = 0
            first.onEvent = { if case .batch = $0 { batches += 1 } }
            first.shouldStop = { batches >= stopAfter }
            XCTAssertThrowsError(try first.run(dataset: dataset, options: tinyOptions(), resume: false)) { error in
                XCTAssertEqual(error as? TrainingError, .interrupted(checkpoint: interrupted + "/checkpoints/last.safetensors"), "\(error)")
            }
            // The checkpoint on disk loads, and says where to continue.
            let saved = try Checkpoint.read(interrupted + "/checkpoints/last.safetensors")
            XCTAssertEqual(saved.state.epoch * 4 + saved.state.batch, stopAfter, "4 batches per epoch")
            let resumed = try Trainer(output: interrupted).run(dataset: dataset, options: TrainingOptions(), resume: true)
            XCTAssertEqual(try AcousticModel.load(from: interrupted).parameters, try AcousticModel.load(from: straight).parameters,
                           "stopped after \(stopAfter) batches")
            XCTAssertEqual(try Checkpoint.read(interrupted + "/checkpoints/last.safetensors").parameters,
                           try Checkpoint.read(straight + "/checkpoints/last.safetensors").parameters)
            XCTAssertEqual(resumed.history.map(\.trainLoss), summary.history.map(\.trainLoss))
            XCTAssertEqual(resumed.history.map(\.validationWER), summary.history.map(\.validationWER))
        }
    }

    /// A time limit the first epoch already uses up ends the run after it: one epoch of the three
    /// planned, the cut plan kept in the checkpoint for a resumed run. A limit of a year changes
    /// nothing: the same three epochs as a run without one.
    func testATimeLimitCutsTheEpochsThatDoNotFit() throws {
        let dataset = try corpus()
        var options = tinyOptions()
        options.timeLimit = 0.001
        var messages = [String]()
        let limited = Trainer(output: folder.file("limited"))
        limited.onEvent = { if case .message(let text) = $0 { messages.append(text) } }
        let summary = try limited.run(dataset: dataset, options: options, resume: false)
        XCTAssertEqual(summary.history.count, 1)
        XCTAssertFalse(summary.stoppedEarly)
        XCTAssertEqual(try Checkpoint.read(folder.file("limited") + "/checkpoints/last.safetensors").state.options.epochs, 1)
        XCTAssertTrue(messages.contains { $0.hasPrefix("time limit: stopping after epoch 1, as another would end past") }, "\(messages)")

        options.timeLimit = TrainingOptions.maximumTimeLimit
        let year = try Trainer(output: folder.file("year")).run(dataset: dataset, options: options, resume: false)
        options.timeLimit = nil
        let unlimited = try Trainer(output: folder.file("unlimited")).run(dataset: dataset, options: options, resume: false)
        XCTAssertEqual(year.history.count, 3)
        XCTAssertEqual(year.history.map(\.trainLoss), unlimited.history.map(\.trainLoss))
        XCTAssertEqual(try AcousticModel.load(from: folder.file("year")).parameters, try AcousticModel.load(from: folder.file("unlimited")).parameters)
    }

    /// When some of the epochs fit, the schedule is drawn again to end with the last of them: with a
    /// clock that ticks 10 s at each reading (the start, the loop's start, then once an epoch), 3 of
    /// 5 epochs fit in 45 s, and the last epoch's learning rate is that of a 3-epoch plan.
    func testATimeLimitEndsTheScheduleWithTheEpochsThatFit() throws {
        let dataset = try corpus()
        var options = tinyOptions()
        options.epochs = 5
        options.timeLimit = 45
        var messages = [String]()
        var ticks = 0.0
        let limited = Trainer(output: folder.file("cut"))
        limited.clock = { ticks += 10; return Date(timeIntervalSinceReferenceDate: ticks) }
        limited.onEvent = { if case .message(let text) = $0 { messages.append(text) } }
        let cut = try limited.run(dataset: dataset, options: options, resume: false)
        XCTAssertEqual(cut.history.count, 3)
        XCTAssertTrue(messages.contains("time limit: 3 of 5 epochs fit in 0.8 minutes at 10 s an epoch; the learning-rate schedule now ends with epoch 3"),
                      "\(messages)")
        options.epochs = 3
        options.timeLimit = nil
        let planned = try Trainer(output: folder.file("three")).run(dataset: dataset, options: options, resume: false)
        options.epochs = 5
        let five = try Trainer(output: folder.file("five")).run(dataset: dataset, options: options, resume: false)
        XCTAssertEqual(cut.history.last!.learningRate, planned.history.last!.learningRate)
        XCTAssertNotEqual(cut.history.last!.learningRate, five.history[2].learningRate)
    }

    func testOutputsAndProblems() throws {
        var dataset = try corpus()
        let broken = folder.write("broken.wav", Data("not audio".utf8))
        dataset.utterances.append(Utterance(id: "broken", path: broken, transcript: "go", split: .train, speaker: nil, source: broken))
        dataset.utterances.append(Utterance(id: "gone", path: folder.file("gone.wav"), transcript: "up", split: .train, speaker: nil, source: "list.tsv:7"))
        let out = folder.file("model")
        var options = tinyOptions()
        options.epochs = 2
        let summary = try Trainer(output: out).run(dataset: dataset, options: options, resume: false)
        for file in ["config.json", "model.safetensors", "history.tsv", "history.svg", "problems.txt",
                     "checkpoints/last.safetensors", "checkpoints/best.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }
        let history = try String(contentsOfFile: out + "/history.tsv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        XCTAssertEqual(history.count, 3)
        XCTAssertEqual(history[0].last, "preparation_seconds")
        let seconds = try XCTUnwrap(history[0].firstIndex(of: "seconds"))
        for row in history.dropFirst() {
            // Batch preparation is part of the epoch's time, and takes some.
            let preparation = try XCTUnwrap(Double(row.last!)), total = try XCTUnwrap(Double(row[seconds]))
            XCTAssertGreaterThan(preparation, 0)
            XCTAssertLessThanOrEqual(preparation, total + 0.05)
        }
        XCTAssertTrue(try String(contentsOfFile: out + "/history.svg", encoding: .utf8).contains("<polyline"))
        let problems = try String(contentsOfFile: out + "/problems.txt", encoding: .utf8)
        XCTAssertTrue(problems.contains("broken.wav: undecodable audio"), problems)
        XCTAssertTrue(problems.contains("list.tsv:7: missing audio"), problems)
        XCTAssertEqual(summary.problems.count, 2)
        XCTAssertEqual(try AcousticModel.load(from: out).config.tokens, ["<blank>", " ", "'", "g", "n", "o", "p", "u"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/.lock"), "the lock is released")
    }

    func testNothingUsableIsAClearError() throws {
        let dataset = Dataset(utterances: [Utterance(id: "a", path: folder.file("none.wav"), transcript: "hi", split: .train, speaker: nil, source: "a")])
        XCTAssertThrowsError(try Trainer(output: folder.file("empty")).run(dataset: dataset, options: tinyOptions(), resume: false)) { error in
            XCTAssertTrue("\(error)".contains("nothing usable to train on"), "\(error)")
        }
    }

    func testASecondTrainingIntoTheSameFolderIsRefused() throws {
        let out = folder.file("busy")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "1\n".write(toFile: out + "/.lock", atomically: true, encoding: .utf8)   // pid 1 is always alive
        XCTAssertThrowsError(try Trainer(output: out).run(dataset: try corpus(), options: tinyOptions(), resume: false)) { error in
            XCTAssertTrue("\(error)".contains("another training (process 1) is writing to this folder"), "\(error)")
        }
        // A lock left by a process that no longer exists is taken over.
        try "999999\n".write(toFile: out + "/.lock", atomically: true, encoding: .utf8)
        var options = tinyOptions()
        options.epochs = 1
        XCTAssertNoThrow(try Trainer(output: out).run(dataset: try corpus(), options: options, resume: false))
    }

    func testResumeWithoutACheckpointSaysSo() throws {
        XCTAssertThrowsError(try Trainer(output: folder.file("fresh")).run(dataset: try corpus(), options: tinyOptions(), resume: true)) { error in
            XCTAssertTrue("\(error)".contains("no checkpoint to resume from"), "\(error)")
        }
    }
}
