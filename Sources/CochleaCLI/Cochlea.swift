import ArgumentParser

@main
struct Cochlea: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cochlea",
        abstract: "A native speech recognizer: features, training, transcription and scoring.",
        discussion: """
        Start with `cochlea transcribe clip.wav` (the shipped keyword model), `cochlea train DATA --out DIR` \
        on your own labelled speech (with `--init-from models/default` to adapt the shipped model to it), and \
        `cochlea evaluate DATA --model DIR` for word error rates. \
        `cochlea help <command>` explains each command's options.
        """,
        version: "0.1.0",
        subcommands: [TranscribeCommand.self, EvaluateCommand.self, ScoreCommand.self, SpotCommand.self, TrainCommand.self, LMCommand.self,
                      FeaturesCommand.self, CorpusCommand.self, Bench.self])
}
