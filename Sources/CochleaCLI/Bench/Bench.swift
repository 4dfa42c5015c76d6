import ArgumentParser
import CochleaNN

/// `cochlea bench ...`: speed benchmarks that print our figure and, when the Python peers are
/// installed (`../shared/peers`), the peer's figure from the same run.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Cochlea's speed beside PyTorch, torchaudio, jiwer and the other peers.",
        discussion: """
        Each benchmark prints our figures, then the peer's from the same run when a peer venv is found \
        (COCHLEA_PEERS_DIR, default ../shared/peers; COCHLEA_PEERS_PYTHON, default /opt/peers-venv/bin/python). \
        Build in release mode first: swift build -c release.
        """,
        subcommands: [BenchFeatures.self, BenchModel.self, BenchTranscribe.self, BenchCTC.self, BenchDecode.self, BenchScore.self,
                      BenchScaling.self, BenchSpeed.self])
}

struct PeerArguments: ParsableArguments {
    @Flag(help: "Do not run the Python peer beside ours.")
    var noPeers = false
}

extension Bench {
    /// Largest count or size a benchmark takes: beyond it the buffers do not fit in memory (a billion
    /// frames asked for 156 GB) or the run would not end.
    static let maximumCount = 1_000_000

    /// Refuses counts and sizes outside 1...`maximumCount` (a negative one crashed or never finished a
    /// benchmark, a billion exhausted memory), naming the option.
    static func requirePositive(_ counts: KeyValuePairs<String, Int>) throws {
        for (option, value) in counts where !(1...maximumCount).contains(value) {
            throw ValidationError("--\(option) must be 1 to \(maximumCount), got \(value)")
        }
    }

    /// A comma-separated list of whole numbers ("1,2"), as given to --`option`.
    static func wholeNumbers(_ text: String, option: String) throws -> [Int] {
        try text.split(separator: ",").map { item in
            guard let value = Int(item) else { throw ValidationError("--\(option): \(item) is not a whole number") }
            return value
        }
    }

    /// A comma-separated list of counts ("100,1000"), each checked as `requirePositive` does.
    static func counts(_ text: String, option: String) throws -> [Int] {
        let values = try wholeNumbers(text, option: option)
        for value in values { try requirePositive([option: value]) }
        return values
    }

    /// Refuses a training step the benchmark could not build or hold: the network's own limits,
    /// and more than `maximumCount` frames in the batch.
    static func checkTrainingStep(_ shape: NetworkShape, batch: Int, frames: Int) throws {
        do { try shape.validate() } catch { throw ValidationError("\(error)") }
        guard batch * frames <= maximumCount else {
            throw ValidationError("--batch × --frames must be at most \(maximumCount) frames, got \(batch * frames)")
        }
    }
}
