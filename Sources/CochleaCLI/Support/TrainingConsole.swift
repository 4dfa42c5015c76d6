import CochleaTraining
import Dispatch
import Foundation

/// Ctrl-C and SIGTERM ask training to save a checkpoint and stop; a second Ctrl-C stops at once.
/// A repeat within `sameRequest` seconds is the same request: `timeout`, and `kill` of a process
/// group, deliver SIGTERM twice (to the process, then to its group), and that must still save.
/// Under mpirun, SIGTERM comes from mpirun when it ends the job (a rank died, or mpirun was
/// interrupted): the ranks may be waiting for a dead one and never reach the next batch, so they
/// stop at once, and rank 0 says which checkpoint is whole and how to continue.
final class StopSignal: @unchecked Sendable {
    private var flag = false
    private var firstAt = Date.distantPast
    static let sameRequest: TimeInterval = 1
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []
    private let job: (rank: Int, size: Int, out: String)?
    private var lastSaved: String?

    /// A checkpoint was written.
    func saved(path: String, epoch: Int, batch: Int) {
        lock.lock(); defer { lock.unlock() }
        lastSaved = batch == 0 ? "\(path) (after epoch \(epoch))" : "\(path) (epoch \(epoch + 1), batch \(batch))"
    }

    var requested: Bool {
        lock.lock(); defer { lock.unlock() }
        return flag
    }

    init(job: (rank: Int, size: Int, out: String)? = nil) {
        self.job = job
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                let second = self.flag
                let repeated = second && Date().timeIntervalSince(self.firstAt) < Self.sameRequest
                if !second { self.firstAt = Date() }
                self.flag = true
                let saved = self.lastSaved
                self.lock.unlock()
                if repeated { return }
                if second {
                    // _exit, not exit: exit runs the libraries' destructors (OpenBLAS frees its
                    // kernels' table) while the training threads are still inside a product.
                    Console.note("\ncochlea: quit before saving; "
                                 + (saved.map { "\($0) is intact" } ?? "no checkpoint was written by this run"))
                    _exit(130)
                }
                if let job = self.job {
                    // The other ranks may be gone: no batch can be finished, so stop now. A checkpoint
                    // being written is left unfinished under a temporary name; the last one stays whole.
                    Console.note("\ncochlea: rank 0 got \(number == SIGTERM ? "SIGTERM" : "SIGINT"): mpirun is ending the job (one of the \(job.size) processes died, or the job was interrupted). "
                                 + "Checkpoints are written whole or not at all: "
                                 + (saved.map { "\($0) is intact; " } ?? "no checkpoint was written by this run; ")
                                 + "continue with: mpirun -np \(job.size) cochlea train … --out \(job.out) --resume")
                    _exit(128 + number)
                }
                Console.note("\ncochlea: stopping after this batch and saving a checkpoint (Ctrl-C again to quit at once)")
            }
            source.resume()
            sources.append(source)
        }
    }
}

/// Progress: a redrawn line per batch on a terminal, a line per epoch always.
final class TrainingDisplay {
    private let terminal = Console.stderrIsTerminal
    private var lastDraw = Date.distantPast
    private var drawn = false

    func show(_ event: TrainingEvent) {
        switch event {
        case .message(let text):
            clear()
            Console.note("cochlea: " + text)
        case .features(let done, let total):
            guard terminal else { return }
            FileHandle.standardError.write(Data(String(format: "\rfeatures %d/%d ", done, total).utf8))
            drawn = true
        case .batch(let p):
            guard terminal, Date().timeIntervalSince(lastDraw) > 0.2 || p.batch == p.batches else { return }
            lastDraw = Date()
            let width = 24, filled = width * p.batch / max(1, p.batches)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data(String(format: "\repoch %d/%d [%@] %d/%d loss %.3f %.0f frames/s, %@ left ",
                                                       p.epoch + 1, p.epochs, bar, p.batch, p.batches, p.meanLoss,
                                                       p.framesPerSecond, ProgressReporter.clock(max(0, p.secondsLeft))).utf8))
            drawn = true
        case .problems(let problems):
            clear()
            for problem in problems.prefix(20) { Console.error(problem.description) }
            Console.note("cochlea: skipping \(problems.count) dataset entries with problems\(problems.count > 20 ? " (the first 20 above)" : ""); all are listed in problems.txt in the output folder")
        case .epoch(let r, let isBest, let left):
            clear()
            let preparation = r.preparationSeconds.map { String(format: " (%.0f preparing batches)", $0) } ?? ""
            Console.note(String(format: "epoch %2d: train loss %.3f, validation loss %.3f, WER %.2f%%, CER %.2f%%, %.0f frames/s, %.0f s%@%@, %@ left",
                                r.epoch, r.trainLoss, r.validationLoss, r.validationWER * 100, r.validationCER * 100,
                                r.framesPerSecond, r.seconds, preparation, isBest ? " (best)" : "", ProgressReporter.clock(left))
                         + (r.skippedBatches > 0 ? ", \(r.skippedBatches) non-finite batches skipped" : "")
                         + (r.infeasible > 0 ? ", \(r.infeasible) infeasible utterances" : ""))
        case .checkpoint: break
        }
    }

    func finish() { clear() }

    private func clear() {
        if drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            drawn = false
        }
    }
}
