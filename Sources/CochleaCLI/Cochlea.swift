import ArgumentParser

@main
struct Cochlea: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cochlea",
        abstract: "A native speech recognizer: features, training, transcription and scoring.",
        subcommands: [FeaturesCommand.self, ScoreCommand.self, Bench.self])
}
