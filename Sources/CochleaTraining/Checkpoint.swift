import CochleaCore
import CochleaModel
import CochleaNN
import Foundation

/// Where a run stands: enough, with the weights and Adam's moments, to continue it exactly.
public struct TrainerState: Codable, Equatable, Sendable {
    public var options: TrainingOptions
    /// The epoch to run next (0-based), and the batch of it to start at.
    public var epoch = 0
    public var batch = 0
    /// Optimiser steps taken.
    public var step = 0
    /// The plateau schedule's current rate and how many epochs since validation loss improved.
    public var plateauRate: Double
    public var epochsSinceLossImproved = 0
    public var bestValidationLoss = Double.infinity
    /// Early stopping: the best validation WER and how many epochs since it improved.
    public var bestWER = Double.infinity
    public var epochsSinceWERImproved = 0
    public var history: [EpochRecord] = []
    /// Totals of the epoch in progress, so that an epoch resumed mid-way reports the whole epoch.
    public var partial = EpochTotals()
    public var finished = false
    /// Processes the run is split over under mpirun (nil for a plain run, and then not written).
    public var processes: Int?

    public init(options: TrainingOptions) {
        self.options = options
        plateauRate = options.learningRate
    }
}

/// Running sums over the batches of one epoch.
public struct EpochTotals: Codable, Equatable, Sendable {
    public var loss = 0.0
    public var utterances = 0
    public var frames = 0
    public var seconds = 0.0
    /// Of `seconds`, the time spent preparing batches (decoding, augmenting, features); nil in
    /// checkpoints written before it was measured.
    public var preparationSeconds: Double?
    public var skippedBatches = 0
    public var infeasible = 0
    public init() {}
}

/// A checkpoint file: one safetensors with the weights (PyTorch names), Adam's two moment
/// vectors, and in its metadata the model config and the trainer state. A single file is written
/// atomically (temporary name, fsync, rename), so a crash or Ctrl-C never leaves half of one.
public enum Checkpoint {
    public static let firstMomentName = "optimizer.first_moment"
    public static let secondMomentName = "optimizer.second_moment"

    public static func write(to path: String, config: ModelConfig, state: TrainerState,
                             network: AcousticNetwork<Float>, optimizer: Adam<Float>) throws {
        let encoder = JSONCoding.encoder()
        let layout = network.layout
        let parameters = network.parameterValues
        var tensors = layout.entries.map { ($0.name, $0.shape, Array(parameters[$0.offset..<($0.offset + $0.count)])) }
        tensors.append((firstMomentName, [layout.count], optimizer.firstMoment))
        tensors.append((secondMomentName, [layout.count], optimizer.secondMoment))
        let metadata = [
            "format": "cochlea-checkpoint-1",
            "config": String(decoding: try encoder.encode(config), as: UTF8.self),
            "state": String(decoding: try encoder.encode(state), as: UTF8.self),
            "adam_step": String(optimizer.step),
        ]
        try AtomicFile.write(SafeTensors.encode(tensors, metadata: metadata), to: path)
    }

    /// Reads a checkpoint back, validating it like a model file.
    public static func read(_ path: String) throws -> (config: ModelConfig, state: TrainerState, parameters: [Float], optimizer: Adam<Float>) {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelError.missing(path: path) }
        return try read(contents: nil, path: path)
    }

    /// Reads a checkpoint from the bytes of the file at `path` (read by another process).
    public static func read(data: Data, path: String) throws -> (config: ModelConfig, state: TrainerState, parameters: [Float], optimizer: Adam<Float>) {
        try read(contents: data, path: path)
    }

    private static func read(contents: Data?, path: String) throws -> (config: ModelConfig, state: TrainerState, parameters: [Float], optimizer: Adam<Float>) {
        func fail(_ reason: String) -> ModelError { .invalidWeights(path: path, reason: reason) }
        var file: SafeTensorsFile
        do { file = try contents.map { try SafeTensors.decode($0, path: path) } ?? SafeTensors.read(path) } catch {
            throw fail("\(error)".replacingOccurrences(of: path + ": ", with: ""))
        }
        guard file.metadata["format"] == "cochlea-checkpoint-1", let configText = file.metadata["config"],
              let stateText = file.metadata["state"], let step = file.metadata["adam_step"].flatMap(Int.init)
        else { throw fail("not a Cochlea checkpoint (metadata lacks format, config, state or adam_step)") }
        let config: ModelConfig, state: TrainerState
        do {
            config = try JSONCoding.decoder().decode(ModelConfig.self, from: Data(configText.utf8))
            state = try JSONCoding.decoder().decode(TrainerState.self, from: Data(stateText.utf8))
        } catch {
            throw fail("its config or trainer state cannot be read (\(error))")
        }
        try config.validate(path: path)
        let count = ParameterLayout(config.network).count
        guard let first = file.tensors.removeValue(forKey: firstMomentName), let second = file.tensors.removeValue(forKey: secondMomentName),
              first.shape == [count], second.shape == [count]
        else { throw fail("optimizer moments missing or of the wrong size") }
        let parameters = try AcousticModel.parameters(from: file, network: config.network, path: path)
        let adam = Adam<Float>(options: AdamOptions(learningRate: state.options.learningRate, weightDecay: state.options.weightDecay),
                               firstMoment: first.floats, secondMoment: second.floats, step: step)
        return (config, state, parameters, adam)
    }
}

/// A lock file that keeps two trainings from writing into the same folder at once.
public final class OutputLock {
    public let path: String

    public init(folder: String) throws {
        path = (folder as NSString).appendingPathComponent(".lock")
        for _ in 0..<2 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let text = "\(getpid())\n"
                _ = text.withCString { Foundation.write(fd, $0, strlen($0)) }
                close(fd)
                return
            }
            // Someone holds it: still running, or a lock left by a process that died?
            let owner = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, owner != getpid(), kill(owner, 0) == 0 || errno == EPERM, !OutputLock.isZombie(owner) {
                throw TrainingError.locked(folder: folder, pid: owner)
            }
            unlink(path)
        }
        throw TrainingError.locked(folder: folder, pid: nil)
    }

    deinit { unlink(path) }

    /// A process that has exited but not yet been reaped (as a killed MPI rank can stay for a while
    /// when its launcher is gone) still answers kill(pid, 0), yet holds nothing.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}

public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case locked(folder: String, pid: Int32?)
    case nothingUsable(reason: String)
    case incompatibleResume(path: String, reason: String)
    case interrupted(checkpoint: String)
    /// Rank 0 of a job split over processes failed with this; it reports the error itself.
    case failedOnRankZero(String)
    case ranksDisagree(epoch: Int)

    public var description: String {
        switch self {
        case .locked(let folder, let pid):
            return "\(folder): another training (\(pid.map { "process \($0)" } ?? "unknown process")) is writing to this folder; wait for it, or choose another --out"
        case .nothingUsable(let reason): return "nothing usable to train on: \(reason)"
        case .incompatibleResume(let path, let reason): return "\(path): cannot resume: \(reason)"
        case .interrupted(let checkpoint): return "stopped; saved \(checkpoint) (continue with --resume)"
        case .failedOnRankZero(let message): return "rank 0 failed: \(message)"
        case .ranksDisagree(let epoch):
            return "the processes hold different weights after epoch \(epoch); their MPI library does not give every rank the same sums (the checkpoints hold rank 0's weights)"
        }
    }
}
