import ArgumentParser
import CochleaAudio
import CochleaCore
import CochleaModel
import CochleaRecognition
import Foundation

/// Batch transcription speed and memory: many 1 s clips through the whole pipeline (decoding the
/// files, features, network, greedy decoding), as `cochlea transcribe` runs it.
struct BenchTranscribe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcription throughput (× real time) and peak memory for many 1 s clips.")

    @Option(help: "Model folder (default: the shipped model).")
    var model: String?
    @Option(help: "Clips to transcribe (written once to a scratch folder, then read back as files).")
    var clips = 2000
    @Option(help: "Threads.")
    var threads = Job.coreThreads
    @Option(help: "Utterances per network batch (the recognizer's default if not given).")
    var batchSize: Int?
    @Option(help: "Files read and featurised together (the recognizer's default if not given).")
    var chunkSize: Int?
    @Flag(help: "Decode greedily even when the model has a vocabulary (transcribe decodes keyword models with a beam over their words).")
    var greedy = false

    func validate() throws {
        try Bench.requirePositive(["clips": clips])
        if let batchSize { try Bench.requirePositive(["batch-size": batchSize]) }
        if let chunkSize { try Bench.requirePositive(["chunk-size": chunkSize]) }
        try Job.check(threads: threads)
    }

    func run() throws {
        let path = try DefaultModel.resolve(model)
        let loaded = try AcousticModel.load(from: path)
        // Decoded as `cochlea transcribe` decodes by default (a keyword model keeps to its vocabulary).
        let decoding = try DecodingArguments.parse(greedy ? ["--decoder", "greedy"] : [])
        let scratch = TemporaryFolder()
        var random = SeededRandom(seed: 5)
        let files = try (0..<clips).map { i -> String in
            let file = scratch.path + "/clip\(i).wav"
            let step = 0.05 * (1 + Double(i % 7) * 0.1)
            var samples = [Float](repeating: 0, count: 16_000)
            for t in 0..<16_000 { samples[t] = Float(0.2 * sin(Double(t) * step) + 0.02 * random.nextGaussian()) }
            try AudioWriter.write(samples, sampleRate: 16_000, encoding: .wavPCM16, to: file)
            return file
        }
        let before = Stopwatch.peakMemoryMB()
        print("transcribing \(clips) clips of 1 s with \(path) (\(loaded.config.network.layers) × \(loaded.config.network.hiddenSize), \(threads) threads)")
        for threadCount in Set([1, threads]).sorted() {
            let recognizer = try decoding.makeRecognizer(for: loaded, threads: threadCount)
            if let batchSize { recognizer.batchSize = batchSize }
            if let chunkSize { recognizer.chunkSize = chunkSize }
            var done = 0
            let started = Date()
            recognizer.recognize(paths: files) { _ in done += 1 }
            let seconds = Date().timeIntervalSince(started)
            print(String(format: "  %d thread(s): %.2f s, %.0f× real time, %.2f ms per clip", threadCount, seconds, Double(done) / seconds,
                         seconds / Double(done) * 1000))
        }
        print(String(format: "  peak resident memory: %.0f MB (%.0f MB before transcribing; it does not grow with the number of clips)",
                     Stopwatch.peakMemoryMB(), before))
    }
}
