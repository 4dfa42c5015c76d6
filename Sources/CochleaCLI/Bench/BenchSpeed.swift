import ArgumentParser
import CochleaAudio
import CochleaCore
import Foundation

/// `cochlea bench speed`: speed perturbation of many one-second clips through libsoxr, with the
/// factors on training's 0.01 grid (ratios of small whole numbers, for which libsoxr designs its
/// filter quickly) beside arbitrary factors, as training drew them until 2026-11-27. One thread.
/// No Python peer: the question is what a training epoch spends its CPU on.
struct BenchSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Speed perturbation of 1 s clips: factors on the 0.01 grid beside arbitrary ones (libsoxr).")

    @Option(help: "Clips per timed run (factors from 0.80 to 1.18).")
    var clips = 1000
    @Option(help: "Timed repetitions (the median is reported).")
    var repeats = 5

    func validate() throws {
        try Bench.requirePositive(["clips": clips, "repeats": repeats])
    }

    func run() throws {
        var random = SeededRandom(seed: 1)
        let clip = (0..<16_000).map { Float(0.3 * sin(Double($0) * 0.11) + 0.1 * random.nextGaussian()) }
        let factors = (0..<clips).map { _ in random.nextDouble(in: 0.8...1.18) }
        print("speed perturbation of \(clips) one-second clips at 16 kHz, factors 0.80–1.18, libsoxr, 1 thread, \(cpuName())")
        let grid = try Stopwatch.median(repeats: repeats) {
            for factor in factors { _ = try Resampler.resample(clip, from: Int((factor * 100).rounded()), to: 100) }
        }
        let arbitrary = try Stopwatch.median(repeats: repeats) {
            for factor in factors { _ = try Resampler.resample(clip, from: Int((16_000 * factor).rounded()), to: 16_000) }
        }
        print(String(format: "factors on the 0.01 grid: %.3f ms per clip", grid / Double(clips) * 1e3))
        print(String(format: "arbitrary factors:        %.3f ms per clip", arbitrary / Double(clips) * 1e3))
        print(String(format: "ratio: the grid is %.1f× faster", arbitrary / grid))
    }
}
