import ArgumentParser

struct BenchFeatures: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "features", abstract: "MFCC throughput (placeholder).")
    func run() throws {}
}
