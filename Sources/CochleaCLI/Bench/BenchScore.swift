import ArgumentParser
import CochleaCore
import CochleaMetrics
import Foundation

/// `cochlea bench score`: corpus WER of 10,000 sentence pairs, ours beside jiwer's on the very
/// pairs jiwer scored (the peer dumps them), 1 and 2 threads.
struct BenchScore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "WER scoring speed: 10,000 pairs of ~18 words, ours beside jiwer's.",
        discussion: """
        Runs ../shared/peers/wer_bench.py, which generates the pairs, times jiwer.wer over them and dumps \
        them; we then score the same pairs (reading the dump is not timed) and check that our corpus \
        WER and S/D/I/H equal jiwer's. Without the peers (or with --no-peers) we generate seeded \
        random pairs of the same shape and print our figures only.
        """)

    @OptionGroup var peers: PeerArguments

    @Option(help: "Number of sentence pairs.")
    var pairs = 10_000

    @Option(help: "Timed repetitions; the median is reported.")
    var repeats = 15

    func validate() throws {
        try Bench.requirePositive(["pairs": pairs, "repeats": repeats])
    }

    func run() throws {
        var peer: [String: Any]?
        var references = [String](), hypotheses = [String]()
        if !peers.noPeers {
            let dump = NSTemporaryDirectory() + "cochlea-wer-pairs-\(getpid()).tsv"
            defer { try? FileManager.default.removeItem(atPath: dump) }
            peer = Peers.run("wer_bench.py", ["--pairs", "\(pairs)", "--dump", dump])
            if peer != nil { (references, hypotheses) = try Self.readDump(dump) }
        }
        if peer == nil { (references, hypotheses) = Self.randomPairs(count: pairs, seed: 0) }
        let referenceWords = references.reduce(0) { $0 + $1.split(whereSeparator: \.isWhitespace).count }
        Console.output("pairs: \(references.count) (\(peer == nil ? "generated here" : "jiwer's dump")), "
            + "reference words: \(referenceWords), mean \(String(format: "%.1f", Double(referenceWords) / Double(references.count)))")

        var result: CorpusScore?
        var seconds = [Int: Double]()
        for threads in [1, 2] {
            seconds[threads] = Stopwatch.median(repeats: repeats) {
                result = Metrics.score(references: references, hypotheses: hypotheses, threads: threads, options: [])
            }
        }
        let everything = Stopwatch.median(repeats: max(1, repeats / 3)) {
            _ = Metrics.score(references: references, hypotheses: hypotheses, threads: 2, options: .all)
        }
        let words = result!.totals.words
        Console.output("ours:  WER \(result!.totals.wordErrorRate)  \(words)")
        Console.output(String(format: "ours:  %.2f ms (1 thread), %.2f ms (2 threads); with CER and confusion tables %.2f ms (2 threads)",
                              seconds[1]! * 1e3, seconds[2]! * 1e3, everything * 1e3))

        guard let peer else { return }
        let jiwerSeconds = Peers.number(peer, "corpus_wer_call_s") ?? .nan
        let jiwerWER = Peers.number(peer, "wer")
        Console.output("jiwer \(peer["jiwer"] ?? "?"): WER \(jiwerWER.map { "\($0)" } ?? "?")  H=\(peer["H"] ?? "?") S=\(peer["S"] ?? "?") D=\(peer["D"] ?? "?") I=\(peer["I"] ?? "?")")
        Console.output(String(format: "jiwer: %.2f ms for jiwer.wer(refs, hyps) (1 thread)", jiwerSeconds * 1e3))
        Console.output(String(format: "ratio: ours is %.1f× faster on 1 thread, %.1f× on 2 threads",
                              jiwerSeconds / seconds[1]!, jiwerSeconds / seconds[2]!))
        let peerCounts = ["H", "S", "D", "I"].map { Peers.number(peer, $0).map(Int.init) }
        let sameCounts = peerCounts.compactMap { $0 } == [words.hits, words.substitutions, words.deletions, words.insertions]
        if let jiwerWER, jiwerWER != result!.totals.wordErrorRate || !sameCounts {
            Console.error("our corpus WER or S/D/I/H differ from jiwer's on the same pairs")
            throw ExitCode.failure
        }
        Console.output("check: corpus WER and H/S/D/I equal jiwer's")
    }

    /// The peer's dump: one `reference<TAB>hypothesis` line per pair.
    static func readDump(_ path: String) throws -> ([String], [String]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var references = [String](), hypotheses = [String]()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            references.append(String(fields[0]))
            hypotheses.append(fields.count > 1 ? String(fields[1]) : "")
        }
        return (references, hypotheses)
    }

    /// Pairs shaped like wer_bench.py's: references of 5 to 30 words drawn Zipf-like from 5,000
    /// pseudo-words; hypotheses with about 8 % substitutions, 3 % deletions and 3 % insertions.
    static func randomPairs(count: Int, seed: UInt64) -> ([String], [String]) {
        var random = SeededRandom(seed: seed)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let vocabulary = (0..<5000).map { _ in
            String((0..<(2 + Int(random.next() % 8))).map { _ in letters[Int(random.next() % 26)] })
        }
        // Zipf(1): rank r drawn with weight 1/(r+1), by inverting the cumulative sum.
        var cumulative = [Double](), total = 0.0
        for rank in 0..<vocabulary.count { total += 1 / Double(rank + 1); cumulative.append(total) }
        func zipfWord() -> String {
            let u = random.nextUnitDouble() * total
            var low = 0, high = cumulative.count - 1
            while low < high { let mid = (low + high) / 2; if cumulative[mid] < u { low = mid + 1 } else { high = mid } }
            return vocabulary[low]
        }
        var references = [String](), hypotheses = [String]()
        for _ in 0..<count {
            let reference = (0..<(5 + Int(random.next() % 26))).map { _ in zipfWord() }
            var hypothesis = [String]()
            for word in reference {
                let u = random.nextUnitDouble()
                if u < 0.08 { hypothesis.append(vocabulary[Int(random.next() % 5000)]) } else if u >= 0.11 { hypothesis.append(word) }
                if random.nextUnitDouble() < 0.03 { hypothesis.append(vocabulary[Int(random.next() % 5000)]) }
            }
            references.append(reference.joined(separator: " "))
            hypotheses.append(hypothesis.joined(separator: " "))
        }
        return (references, hypotheses)
    }
}
