import CochleaCore
import CochleaModel
import CochleaNN
import CochleaTestSupport
import CochleaTraining
import Foundation
import XCTest

/// `--init-from`: a run that starts from a trained model's weights.
final class FineTuningTests: XCTestCase {
    let folder = TemporaryDirectory()

    func options(epochs: Int) -> TrainingOptions {
        var o = TrainingOptions()
        o.hiddenSize = 8
        o.layers = 2
        o.epochs = epochs
        o.batchSize = 4
        o.warmupSteps = 2
        o.earlyStoppingPatience = 0
        return o
    }

    func corpus() throws -> Dataset {
        let root = folder.file("corpus")
        if !FileManager.default.fileExists(atPath: root) { try TinyCorpus.write(to: root) }
        return try DatasetLoader.load(root)
    }

    /// A starting model trained until its validation loss levels off (about 33 from about 84).
    func startingModel() throws -> String {
        let path = folder.file("start")
        var o = options(epochs: 15)
        o.learningRate = 0.01
        _ = try Trainer(output: path).run(dataset: try corpus(), options: o, resume: false)
        return path
    }

    /// The run takes the starting model's features, shape and tokens whatever its own options say,
    /// and its first weights are the model's: with a vanishing learning rate they stay the model's.
    func testStartsFromTheModelsWeightsFeaturesAndShape() throws {
        let start = try startingModel()
        let model = try AcousticModel.load(from: start)
        var o = options(epochs: 1)
        o.hiddenSize = 12
        o.layers = 1
        o.features.options.numMelBins = 23
        o.learningRate = 1e-12
        o.initialModel = start
        let out = folder.file("tuned")
        var messages = [String]()
        let trainer = Trainer(output: out)
        trainer.onEvent = { if case .message(let text) = $0 { messages.append(text) } }
        _ = try trainer.run(dataset: try corpus(), options: o, resume: false)
        let tuned = try AcousticModel.load(from: out)
        XCTAssertEqual(tuned.config.network, model.config.network)
        XCTAssertEqual(tuned.config.features, model.config.features)
        XCTAssertEqual(tuned.config.tokens, model.config.tokens)
        XCTAssertEqual(tuned.config.notes["fine_tuned_from"], start)
        XCTAssertTrue(messages.contains { $0.hasPrefix("starting from the weights of \(start)") }, "\(messages)")
        let moved = zip(tuned.parameters, model.parameters).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(moved, 1e-6)
        // A random start of the same shape is nowhere near it.
        let fresh = AcousticNetwork<Float>(shape: model.config.network, seed: 1).parameterValues
        XCTAssertGreaterThan(zip(fresh, model.parameters).map { abs($0 - $1) }.max()!, 0.01)
    }

    /// Starting from a trained model, the first epoch ends with a lower validation loss than a
    /// first epoch from random weights.
    func testAFineTunedFirstEpochBeatsAFreshOne() throws {
        let start = try startingModel()
        var tuned = options(epochs: 1)
        tuned.initialModel = start
        let fromModel = try Trainer(output: folder.file("tuned")).run(dataset: try corpus(), options: tuned, resume: false)
        let fromScratch = try Trainer(output: folder.file("fresh")).run(dataset: try corpus(), options: options(epochs: 1), resume: false)
        XCTAssertLessThan(fromModel.history[0].validationLoss, fromScratch.history[0].validationLoss * 0.8)
    }

    /// Transcripts with characters the model has no token for are listed as problems, not trained on.
    func testCharactersOutsideTheModelsTokensAreProblems() throws {
        let start = try startingModel()
        var dataset = try corpus()
        let clip = folder.file("yes.wav")
        try FileManager.default.copyItem(atPath: folder.file("corpus/go/spk1_nohash_0.wav"), toPath: clip)
        dataset.utterances.append(Utterance(id: "yes", path: clip, transcript: "yes", split: .train, speaker: nil, source: "list.tsv:3"))
        var o = options(epochs: 1)
        o.initialModel = start
        let summary = try Trainer(output: folder.file("tuned")).run(dataset: dataset, options: o, resume: false)
        let problem = try XCTUnwrap(summary.problems.first { $0.location == "list.tsv:3" })
        XCTAssertTrue(problem.description.contains("not in the model's token set"), problem.description)
    }

    /// An interrupted fine-tuning run resumes from its checkpoint (not from the starting model) and
    /// ends with the weights of one never interrupted.
    func testAnInterruptedFineTuningRunResumesToTheSameWeights() throws {
        var o = options(epochs: 2)
        o.initialModel = try startingModel()
        let straight = folder.file("straight"), interrupted = folder.file("interrupted")
        _ = try Trainer(output: straight).run(dataset: try corpus(), options: o, resume: false)
        let first = Trainer(output: interrupted)
        var batches = 0
        first.onEvent = { if case .batch = $0 { batches += 1 } }
        first.shouldStop = { batches >= 3 }
        XCTAssertThrowsError(try first.run(dataset: try corpus(), options: o, resume: false))
        _ = try Trainer(output: interrupted).run(dataset: try corpus(), options: TrainingOptions(), resume: true)
        XCTAssertEqual(try Checkpoint.read(interrupted + "/checkpoints/last.safetensors").parameters,
                       try Checkpoint.read(straight + "/checkpoints/last.safetensors").parameters)
        XCTAssertEqual(try AcousticModel.load(from: interrupted).config.notes["fine_tuned_from"], o.initialModel)
    }

    func testAMissingStartingModelNamesItsFiles() throws {
        var o = options(epochs: 1)
        o.initialModel = folder.file("nowhere")
        XCTAssertThrowsError(try Trainer(output: folder.file("tuned")).run(dataset: try corpus(), options: o, resume: false)) { error in
            XCTAssertTrue("\(error)".contains(self.folder.file("nowhere")), "\(error)")
        }
    }
}
