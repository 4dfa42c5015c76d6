import ArgumentParser
import CochleaAudio
import CochleaCore
import CochleaFeatures
import Foundation

/// MFCC throughput in × real time: one thread on 60 s of audio (features alone, and with decoding),
/// and a folder of many 1 s clips on all cores; torchaudio's Kaldi-compatible MFCC beside it.
struct BenchFeatures: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "MFCC throughput (× real time) beside torchaudio, librosa and python_speech_features.")

    @Option(help: "A 16 kHz WAV to measure (default: ../shared/peers' long60.wav if present, else 60 s of synthetic audio).")
    var wav: String?
    @Option(help: "Timed repetitions (the median is reported).")
    var repeats = 15
    @Option(help: "Clips in the many-short-clips test.")
    var clips = 2000
    @OptionGroup var peers: PeerArguments

    func validate() throws {
        try Bench.requirePositive(["repeats": repeats, "clips": clips])
    }

    func run() throws {
        let scratch = TemporaryFolder()
        let path = try wav ?? defaultWAV(in: scratch)
        let clip = try AudioDecoder.decode(path: path)
        let seconds = clip.duration
        print("MFCC benchmark on \(path): \(String(format: "%.1f", seconds)) s at 16 kHz, \(cpuName())")

        // The peer's settings (mfcc_bench.py): hamming window, 40 mel bins, 13 cepstra, no dither.
        var matched = FeatureOptions.kaldiMFCC
        matched.windowType = .hamming
        matched.numMelBins = 40
        matched.dither = 0
        matched.useEnergy = false
        let rows: [(String, FeatureOptions)] = [
            ("Kaldi MFCC, peer's settings (hamming, 40 bins, no dither)", matched),
            ("Kaldi MFCC, Kaldi defaults (povey, 23 bins, dither 1, energy)", .kaldiMFCC),
            ("Kaldi fbank, 80 bins", { var o = FeatureOptions.kaldiFbank; o.numMelBins = 80; return o }()),
        ]
        var ours = 0.0
        for (label, options) in rows {
            let extractor = try FeatureExtractor(options: options)
            let time = Stopwatch.median(repeats: repeats) { _ = extractor.compute(clip.samples) }
            if ours == 0 { ours = seconds / time }
            report(label + ", 1 thread", seconds / time, time)
        }
        let extractor = try FeatureExtractor(options: matched)
        let withDecoding = try Stopwatch.median(repeats: repeats) {
            _ = extractor.compute(try AudioDecoder.decode(path: path).samples)
        }
        report("same, including decoding the file, 1 thread", seconds / withDecoding, withDecoding)

        let folder = try writeShortClips(from: clip.samples, in: scratch)
        for threads in Set([1, Parallel.coreCount]).sorted() {
            let time = try Stopwatch.median(repeats: 3) {
                try Parallel.forEach(count: folder.count, threads: threads, makeWorker: { _ in try FeatureExtractor(options: matched) }) { worker, i in
                    _ = worker.compute(try! AudioDecoder.decode(path: folder[i]).samples)
                }
            }
            report("\(folder.count) clips of 1 s, decoding included, \(threads) thread(s)", Double(folder.count) / time, time)
        }

        guard !peers.noPeers, let peer = Peers.run("mfcc_bench.py", ["--wav", path, "--threads", "1", "--repeats", "\(repeats)"]) else { return }
        print("\nPeers, same WAV, same machine, 1 thread (mfcc_bench.py):")
        for (key, name) in [("ta_kaldi", "torchaudio.compliance.kaldi.mfcc"), ("ta_transform", "torchaudio.transforms.MFCC"),
                            ("librosa", "librosa"), ("psf", "python_speech_features")] {
            if let xrt = Peers.number(peer, "results", key, "xrt") {
                print(String(format: "  %-36@ %9.0f× real time", name, xrt))
            }
        }
        if let kaldi = Peers.number(peer, "results", "ta_kaldi", "xrt") {
            print(String(format: "Cochlea / torchaudio Kaldi MFCC: %.1f× faster (target: at least 4×)", ours / kaldi))
        }
    }

    private func report(_ label: String, _ realTime: Double, _ seconds: Double) {
        print(String(format: "  %-66@ %9.0f× real time (%.2f ms)", label, realTime, seconds * 1000))
    }

    private func defaultWAV(in scratch: TemporaryFolder) throws -> String {
        let peerWAV = "/tmp/cochlea-peers/long60.wav"
        if FileManager.default.fileExists(atPath: peerWAV) { return peerWAV }
        var random = SeededRandom(seed: 1)
        let samples = (0..<960_000).map { i -> Float in
            let t = Double(i) / 16_000
            return Float(0.3 * sin(2 * Double.pi * (200 + 50 * t) * t) + 0.05 * random.nextGaussian())
        }
        let path = scratch.path + "/synthetic60.wav"
        try AudioWriter.write(samples, sampleRate: 16_000, encoding: .wavPCM16, to: path)
        return path
    }

    private func writeShortClips(from samples: [Float], in scratch: TemporaryFolder) throws -> [String] {
        try (0..<clips).map { i in
            let start = (i * 16_000) % max(1, samples.count - 16_000)
            let path = scratch.path + "/clip\(i).wav"
            try AudioWriter.write(Array(samples[start..<start + 16_000]), sampleRate: 16_000, encoding: .wavPCM16, to: path)
            return path
        }
    }
}

/// The CPU family from /proc/cpuinfo, which says which machine the figures come from.
func cpuName() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let family = info.split(separator: "\n").first { $0.hasPrefix("cpu family") }?.split(separator: ":").last ?? "?"
    return "CPU family \(family.trimmingCharacters(in: .whitespaces)) (23 = Zen 1, 25 = Zen 4, 26 = Zen 5)"
}

/// A scratch folder removed when the benchmark ends.
final class TemporaryFolder {
    let path = NSTemporaryDirectory() + "cochlea-bench-" + UUID().uuidString
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
