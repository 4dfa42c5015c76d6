import ArgumentParser

@main
struct Cochlea: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cochlea",
        abstract: "A native speech recognizer: features, training, transcription and scoring.",
        subcommands: [TranscribeCommand.self, EvaluateCommand.self, ScoreCommand.self, SpotCommand.self, TrainCommand.self,
                      FeaturesCommand.self, CorpusCommand.self, Bench.self])
}
