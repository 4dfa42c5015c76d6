import ArgumentParser
import CochleaCore
import CochleaDistributed
import CochleaFeatures
import CochleaLinalg
import CochleaNN
import CochleaTraining
import Foundation

/// Data-parallel training steps on this machine, and the ring-allreduce model for clusters.
struct BenchScaling: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Training-step time split into compute and gradient allreduce; allreduce bandwidth; a model for many machines.",
        discussion: """
        Run it alone and under mpirun, e.g. on 2 cores:
          cochlea bench scaling --threads 2
          mpirun -np 2 cochlea bench scaling --threads 1
        Each rank takes its round-robin share of a global batch of random features, as `cochlea train` \
        does. Rank 0 prints the median step split into compute (forward, CTC, backward) and the part \
        of the allreduce not hidden behind backward, then times the allreduce of the gradient buffer \
        alone. Without mpirun it prints the ring-allreduce model's step time and efficiency at 8, 64 \
        and 256 ranks on 10 and 100 Gbit/s links (docs/SCALING.md explains it).
        """)

    @Option(help: "Hidden units per direction.") var hidden = 160
    @Option(help: "LSTM layers.") var layers = 2
    @Option(help: "Input features.") var inputs = 40
    @Option(help: "Output classes (with blank).") var classes = 29
    @Option(help: "Global batch (utterances), shared out between the ranks.") var batch = 32
    @Option(help: "Frames per utterance.") var frames = 100
    @Option(help: "Timed training steps.") var steps = 8
    @Option(help: "Timed allreduces of the gradient buffer alone.") var allreduces = 20
    @Option(help: "Threads per rank.") var threads = 1
    @Flag(help: "Overlap the allreduce with backward (train --overlap-allreduce).") var overlap = false
    @Option(help: "Link latency in µs for the model, per link speed in Gbit/s (SPEED:µs).")
    var link: [String] = ["10:30", "100:5"]
    @Option(help: "Share of the line rate an allreduce reaches, for the model.") var linkEfficiency = 0.9

    func validate() throws {
        try Bench.requirePositive(["batch": batch, "frames": frames, "steps": steps, "allreduces": allreduces])
        try Job.check(threads: threads)
        try Bench.checkTrainingStep(NetworkShape(inputSize: inputs, hiddenSize: hidden, layers: layers, classes: classes), batch: batch, frames: frames)
        for spec in link { _ = try Self.parseLink(spec) }
        guard linkEfficiency > 0, linkEfficiency <= 1 else {
            throw ValidationError("--link-efficiency must be above 0 and at most 1, got \(linkEfficiency)")
        }
    }

    func run() throws {
        let world = Distributed.current
        Console.enabled = world.rank == 0
        BLASThreads.count = 1
        let shape = NetworkShape(inputSize: inputs, hiddenSize: hidden, layers: layers, classes: classes)
        let network = AcousticNetwork<Float>(shape: shape, seed: 1)
        let step = TrainingStep(network: network, optimizer: Adam(count: network.layout.count, options: AdamOptions()),
                                clipNorm: 5, threads: threads, communicator: world)
        step.overlapReduction = overlap
        let count = network.layout.count, megabytes = Double(count * 4) / 1e6
        Console.output(String(format: "%d × %d BiLSTM, %@ parameters (%.2f MB of gradients per step), global batch %d × %d frames, %d process%@ × %d thread%@%@",
                              layers, hidden, count.formatted(), megabytes, batch, frames, world.size, world.size == 1 ? "" : "es",
                              threads, threads == 1 ? "" : "s", world.isDistributed ? (overlap ? ", allreduce overlapped" : ", allreduce after backward") : ""))
        // The same global batch on every rank; each takes positions r, r + N, …
        let positions = world.roundRobin(batch)
        let global = randomFeatures()
        let local = PreparedBatch(features: positions.map { global.features[$0] }, targets: positions.map { global.targets[$0] })
        let shard = world.isDistributed ? BatchShard(globalSize: batch, positions: positions) : nil
        var totals = [Double](), computes = [Double](), reduces = [Double]()
        for i in 0..<(steps + 2) {
            world.barrier()
            let started = DispatchTime.now().uptimeNanoseconds
            _ = step.run(local, learningRate: 1e-4, dropoutSeed: UInt64(i), shard: shard)
            guard i >= 2 else { continue }   // warm-up
            totals.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            computes.append(step.lastTiming.compute)
            reduces.append(step.lastTiming.reduce)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let compute = median(computes)
        Console.output(String(format: "  step %.1f ms: compute %.1f ms, allreduce not hidden %.1f ms (medians of %d steps on rank 0); %.0f frames/s in all",
                              median(totals) * 1000, compute * 1000, median(reduces) * 1000, steps, Double(batch * frames) / median(totals)))
        if world.size > 1 {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            defer { buffer.deallocate() }
            buffer.initialize(repeating: 1e-3)
            var times = [Double]()
            for i in 0..<(allreduces + 2) {
                world.barrier()
                let started = DispatchTime.now().uptimeNanoseconds
                world.allreduceSum(buffer, scale: 1)
                if i >= 2 { times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
            }
            let t = median(times), n = Double(world.size)
            // What each rank sends (and receives) in a ring allreduce: 2(N − 1)/N of the buffer.
            let bus = 2 * (n - 1) / n * Double(count * 4) / t
            Console.output(String(format: "  allreduce of the %.2f MB buffer alone: %.2f ms (median of %d), bus bandwidth %.2f GB/s",
                                  megabytes, t * 1000, allreduces, bus / 1e9))
        } else {
            try predict(computeSeconds: compute, bytes: Double(count * 4))
        }
    }

    /// "10:30": a link speed in Gbit/s and its latency in µs, both positive.
    static func parseLink(_ spec: String) throws -> (gigabits: Double, microseconds: Double) {
        let parts = spec.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 2, parts.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ValidationError("--link \(spec): want SPEED:µs, two positive numbers such as 10:30")
        }
        return (parts[0], parts[1])
    }

    /// Ring allreduce of S bytes over N ranks: 2(N − 1) steps, each sending S/N bytes and paying the
    /// link latency α: t = 2(N − 1)·α + 2(N − 1)/N · S/β. Every rank keeps the measured batch
    /// (weak scaling: the global batch is N times it); with overlap, the reduction of all layers
    /// but the lowest can hide behind the backward pass of the layers below it.
    private func predict(computeSeconds: Double, bytes: Double) throws {
        Console.output(String(format: "  model (each rank a batch of %d, compute %.1f ms as measured; link efficiency %.0f%%):",
                              batch, computeSeconds * 1000, linkEfficiency * 100))
        Console.output("    ranks  link        allreduce  step (no overlap)  efficiency")
        for spec in link {
            let (speed, latency) = try Self.parseLink(spec)
            let beta = speed * 1e9 / 8 * linkEfficiency, alpha = latency * 1e-6
            for n in [8.0, 64, 256] {
                let t = 2 * (n - 1) * alpha + 2 * (n - 1) / n * bytes / beta
                Console.output(String(format: "    %5.0f  %3.0f Gbit/s  %7.1f ms  %11.1f ms  %9.0f%%", n, speed, t * 1000,
                                      (computeSeconds + t) * 1000, computeSeconds / (computeSeconds + t) * 100))
            }
        }
    }

    private func randomFeatures() -> (features: [FeatureMatrix], targets: [[Int32]]) {
        var random = SeededRandom(seed: 5)
        let features = (0..<batch).map { _ in
            FeatureMatrix(frames: frames, dims: inputs, values: (0..<(frames * inputs)).map { _ in Float(random.nextGaussian()) })
        }
        let targets = (0..<batch).map { _ in (0..<(5 + Int(random.next() % 6))).map { _ in Int32(1 + random.next() % UInt64(classes - 1)) } }
        return (features, targets)
    }
}
