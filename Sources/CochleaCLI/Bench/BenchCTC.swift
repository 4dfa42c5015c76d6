import ArgumentParser
import CochleaCTC
import CochleaCore
import Foundation

/// `cochlea bench ctc`: CTC loss forward + backward (per-utterance losses and the logits gradient)
/// on random batches, on 1 and 2 threads, beside PyTorch nn.CTCLoss from the same run.
struct BenchCTC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctc",
        abstract: "CTC loss and logits gradient, T:B:L batches with C = 29, beside PyTorch nn.CTCLoss.")

    @Option(help: "Comma-separated T:B:L batches (frames, utterances, labels per utterance).")
    var configs = "100:32:10,500:16:60"

    @Option(help: "Comma-separated thread counts.")
    var threads = "1,2"

    @Option(help: "Timed calls per figure (the median is printed).")
    var repeats = 200

    @OptionGroup var peers: PeerArguments

    static let classes = 29

    func validate() throws {
        try Bench.requirePositive(["repeats": repeats])
        for text in configs.split(separator: ",") { _ = try Self.parse(text) }
        for n in try Bench.wholeNumbers(threads, option: "threads") { try Job.check(threads: n) }
    }

    func run() throws {
        let batches = try configs.split(separator: ",").map(Self.parse)
        let threadCounts = try Bench.wholeNumbers(threads, option: "threads")
        // The peer's JSON line for each thread count, run before ours so that the two never compete.
        var peer = [Int: [String: Any]]()
        if !peers.noPeers {
            for n in threadCounts {
                peer[n] = Peers.run("ctc_bench.py", [
                    "--threads", "\(n)", "--loss-configs", configs, "--decode-frames=", "--beams=", "--dists=",
                    "--skip-torchaudio", "--skip-pyctcdecode",
                ])
            }
        }
        Console.output("CTC forward + backward (losses and d loss / d logits), C = 29, ms per call, median of \(repeats)")
        Console.output("batch              threads     ours   PyTorch nn.CTCLoss   PyTorch/ours")
        for (t, b, l) in batches {
            let setup = Self.makeBatch(frames: t, batch: b, targetLength: l)
            for n in threadCounts {
                let ours = measure(setup, threads: n)
                let theirs = Peers.number(peer[n], "ctc_loss", "T\(t)_B\(b)_L\(l)", "fwd_bwd_s")
                let label = "T\(t) B\(b) L\(l)".padding(toLength: 18, withPad: " ", startingAt: 0)
                let ratio = theirs.map { String(format: "%.1f×", $0 / ours) } ?? "-"
                Console.output("\(label) \(pad(n, 7)) \(pad(ms(ours), 8)) \(pad(theirs.map(ms) ?? "-", 20)) \(pad(ratio, 14))")
            }
        }
        Console.output("Ours starts from log-probabilities; PyTorch's figure also includes log_softmax and its backward.")
    }

    struct Setup {
        var logits: [Float]
        var batch: CTCBatch
    }

    static func parse(_ text: Substring) throws -> (Int, Int, Int) {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 3, parts.allSatisfy({ (1...Bench.maximumCount).contains($0) }), parts[0] * parts[1] <= Bench.maximumCount else {
            throw ValidationError("bad batch \(text), want T:B:L with T × B at most \(Bench.maximumCount)")
        }
        return (parts[0], parts[1], parts[2])
    }

    /// Standard normal logits [T, B, C] and random labels, every utterance T frames and L labels (as the peer).
    static func makeBatch(frames: Int, batch: Int, targetLength: Int) -> Setup {
        var random = SeededRandom(seed: 1)
        let logits = (0..<(frames * batch * classes)).map { _ in Float(random.nextGaussian()) }
        let targets = (0..<(batch * targetLength)).map { _ in Int32(1 + random.next() % UInt64(classes - 1)) }
        return Setup(logits: logits, batch: CTCBatch(
            frames: frames, inputLengths: Array(repeating: frames, count: batch), targets: targets,
            targetLengths: Array(repeating: targetLength, count: batch)))
    }

    /// Median seconds per call of CTCLoss.compute into preallocated buffers.
    func measure(_ setup: Setup, threads: Int) -> Double {
        let b = setup.batch.size
        let ctc = CTCLoss(
            classes: Self.classes, maxFrames: setup.batch.frames, maxBatch: b,
            maxTargetLength: setup.batch.targetLengths.max() ?? 0, threads: threads)
        let logProbs = Self.logSoftmax(setup.logits)
        var losses = [Double](repeating: 0, count: b), infinite = [Bool](repeating: false, count: b)
        var gradient = [Float](repeating: 0, count: logProbs.count)
        return Stopwatch.median(repeats: repeats, warmup: 3) {
            logProbs.withUnsafeBufferPointer { input in
                gradient.withUnsafeMutableBufferPointer { output in
                    _ = ctc.compute(logProbs: input, batch: setup.batch, losses: &losses, infinite: &infinite,
                                    gradient: (output, .logits))
                }
            }
        }
    }

    static func logSoftmax(_ logits: [Float]) -> [Float] {
        var out = logits
        for row in stride(from: 0, to: logits.count, by: classes) {
            let slice = logits[row..<(row + classes)]
            let m = slice.max()!
            let shift = m + log(slice.reduce(0) { $0 + exp($1 - m) })
            for k in row..<(row + classes) { out[k] = logits[k] - shift }
        }
        return out
    }

    /// Seconds as milliseconds with three decimals.
    func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
    func pad(_ value: Any, _ width: Int) -> String {
        let text = "\(value)"
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
