import ArgumentParser
import CochleaCore
import CochleaDecoding
import Foundation

/// `cochlea bench decode`: CTC beam search on random log-probabilities (the peer's two
/// distributions, C = 29), beside torchaudio's flashlight decoder and pyctcdecode from the same run.
struct BenchDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "CTC beam search, beams 16 and 64, T 100 and 1000, flat and peaky, beside torchaudio and pyctcdecode.",
        discussion: """
        Inputs are random [T, 29] log-probabilities drawn as ../shared/peers/ctc_bench.py draws them: \
        flat = log_softmax(N(0,1)); peaky = log_softmax(N(0,1) + 8·onehot(k)), k the blank with \
        probability 0.7. Ours runs with the peers' settings (every token at every frame, beam \
        threshold 50, no LM), then again with 100 hotwords and with a word bigram LM (1,000 words, \
        5,000 bigrams, written as an ARPA file and read back). The peers decode without hotwords or LM.
        """)

    @Option(help: "Comma-separated frame counts.")
    var frames = "100,1000"
    @Option(help: "Comma-separated beam widths.")
    var beams = "16,64"
    @Option(help: "Comma-separated distributions: flat, peaky.")
    var dists = "peaky,flat"
    @Option(help: "Timed calls per figure at most (the median is printed); fewer when a call is slow.")
    var repeats = 21
    @OptionGroup var peers: PeerArguments

    static let tokens = ["<blank>"] + "abcdefghijklmnopqrstuvwxyz".map(String.init) + [" ", "'"]

    func validate() throws {
        try Bench.requirePositive(["repeats": repeats])
        _ = try Bench.counts(frames, option: "frames")
        _ = try Bench.counts(beams, option: "beams")
    }

    func run() throws {
        let frameCounts = try Bench.counts(frames, option: "frames"), widths = try Bench.counts(beams, option: "beams")
        let kinds = try dists.split(separator: ",").map { name -> RandomLogProbabilities.Kind in
            guard let kind = RandomLogProbabilities.Kind(rawValue: String(name)) else { throw ValidationError("unknown distribution \(name): flat or peaky") }
            return kind
        }
        // The peers first, so that the two never compete for the cores.
        let peer = peers.noPeers ? nil : Peers.run("ctc_bench.py", [
            "--threads", "2", "--loss-configs=", "--decode-frames", frameCounts.map(String.init).joined(separator: ","),
            "--beams", widths.map(String.init).joined(separator: ","), "--dists", kinds.map(\.rawValue).joined(separator: ","),
            "--greedy-repeats", "5",
        ])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cochlea-bench-decode-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lmPath = folder + "/bigram.arpa"
        let vocabulary = try Self.writeBigramModel(to: lmPath, words: 1000, bigrams: 5000)
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let lm = try ARPAReader.read(path: lmPath)
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        var random = SeededRandom(seed: 5)
        let hotwords = (0..<100).map { _ in Hotwords.Entry(word: vocabulary[Int(random.next() % UInt64(vocabulary.count))], weight: 3) }

        Console.output("CTC beam search, C = 29, ms per utterance (median); peers: ../shared/peers/ctc_bench.py from the same run")
        Console.output("case                      ours  +100 hotwords  +bigram LM   torchaudio  pyctcdecode   faster peer / ours")
        for width in widths {
            let options = BeamSearchOptions(beamWidth: width, beamThreshold: 50)
            let plain = try BeamSearchDecoder(tokens: Self.tokens, options: options)
            let boosted = try BeamSearchDecoder(tokens: Self.tokens, options: options, hotwords: hotwords)
            var lmOptions = options
            lmOptions.languageModelWeight = 0.5
            lmOptions.wordBonus = 1
            let fused = try BeamSearchDecoder(tokens: Self.tokens, options: lmOptions, languageModel: lm)
            for t in frameCounts {
                for kind in kinds {
                    let values = RandomLogProbabilities.make(frames: t, classes: 29, kind: kind, seed: UInt64(t * 31 + width))
                    let key = "beam\(width)_T\(t)_\(kind.rawValue)"
                    let ours = time(plain, values, frames: t), hot = time(boosted, values, frames: t), withLM = time(fused, values, frames: t)
                    let torch = Peers.number(peer, "torchaudio_ctc_decoder", "results", key, "median_s")
                    let pyctc = Peers.number(peer, "pyctcdecode", "results", key, "median_s")
                    let fastest = [torch, pyctc].compactMap { $0 }.min()
                    let label = "beam \(width) T \(t) \(kind.rawValue)".padding(toLength: 22, withPad: " ", startingAt: 0)
                    Console.output(label + pad(ms(ours), 8) + pad(ms(hot), 15) + pad(ms(withLM), 12) + pad(torch.map(ms) ?? "-", 13)
                                   + pad(pyctc.map(ms) ?? "-", 13) + pad(fastest.map { String(format: "%.1f×", $0 / ours) } ?? "-", 21))
                }
            }
        }
        Console.output(String(format: "bigram LM: %d words, %d bigrams, read in %.1f ms; hotwords: 100 words of the LM's vocabulary, weight 3",
                              lm.counts[0], lm.counts[1], loadSeconds * 1e3))
        if let foreign = Peers.number(peer, "machine_load", "foreign_cpu_frac") {
            Console.output(String(format: "during the peer run, other processes used %.0f%% of the CPU", foreign * 100))
        }
    }

    /// Median seconds per decode, with fewer repeats when a call is slow (at most about 2 s per figure).
    func time(_ decoder: BeamSearchDecoder, _ values: [Float], frames: Int) -> Double {
        values.withUnsafeBufferPointer { buffer in
            let input = LogProbabilities(values: buffer, frames: frames, classes: 29)
            let once = Stopwatch.median(repeats: 1, warmup: 1) { _ = decoder.decode(input) }
            let n = max(3, min(repeats, Int(2 / max(once, 1e-6))))
            return Stopwatch.median(repeats: n, warmup: 0) { _ = decoder.decode(input) }
        }
    }

    /// A random bigram ARPA model: `words` words of 2–7 letters, `bigrams` bigrams; returns the words.
    static func writeBigramModel(to path: String, words: Int, bigrams: Int) throws -> [String] {
        var random = SeededRandom(seed: 11)
        var vocabulary = [String](), seen = Set<String>()
        while vocabulary.count < words {
            let word = String((0..<(2 + Int(random.next() % 6))).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement(using: &random)! })
            if seen.insert(word).inserted { vocabulary.append(word) }
        }
        var pairs = Set<[Int]>()
        while pairs.count < bigrams { pairs.insert([Int(random.next() % UInt64(words)), Int(random.next() % UInt64(words))]) }
        var text = "\\data\\\nngram 1=\(words + 3)\nngram 2=\(bigrams)\n\n\\1-grams:\n-1.5\t<unk>\t0\n-99\t<s>\t-0.3\n-1.0\t</s>\t0\n"
        for word in vocabulary { text += String(format: "%.4f\t%@\t%.4f\n", -2 - random.nextUnitDouble(), word, -0.5 * random.nextUnitDouble()) }
        text += "\n\\2-grams:\n"
        for pair in pairs.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            text += String(format: "%.4f\t%@ %@\n", -0.2 - random.nextUnitDouble(), vocabulary[pair[0]], vocabulary[pair[1]])
        }
        text += "\n\\end\\\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return vocabulary
    }

    func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
    func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(1, width - text.count)) + text }
}
