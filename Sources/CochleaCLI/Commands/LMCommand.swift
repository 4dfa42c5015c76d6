import ArgumentParser
import CochleaCore
import CochleaDecoding
import CochleaTraining
import Foundation

/// `cochlea lm`: a word n-gram model from the transcripts of a dataset or from text, for --lm.
struct LMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Estimate a word n-gram language model (ARPA) from training transcripts or text, for --lm.",
        discussion: """
        Reads sentences from each input: a dataset in any layout `train` reads (only its training \
        split's transcripts, so that validation and test sentences stay unseen), or a .txt file with one \
        sentence per line. Transcripts are taken as training takes them (lowercased); text lines are \
        lowercased too, and their punctuation other than apostrophes becomes a space. The model is smoothed with interpolated Kneser-Ney (one discount per \
        order, from the counts of counts) and written atomically in ARPA format, with <s>, </s> and \
        <unk>; KenLM and SRILM read it too.

        Examples:
          cochlea lm datasets/generated/full --order 3 --out lm.arpa
          cochlea evaluate datasets/generated/full --lm lm.arpa
          cochlea lm sentences.txt more.txt --order 4 --out big.arpa
        """)

    @Argument(help: "Datasets (their training transcripts) or .txt files (a sentence per line).")
    var inputs: [String]

    @Option(help: "The ARPA file to write.")
    var out: String

    @Option(help: "The highest n-gram order, 1 to \(KneserNeyBuilder.maximumOrder).")
    var order = 3

    func validate() throws {
        guard (1...KneserNeyBuilder.maximumOrder).contains(order) else {
            throw ValidationError("--order must be in 1…\(KneserNeyBuilder.maximumOrder), got \(order)")
        }
    }

    func run() throws {
        var builder = KneserNeyBuilder(order: order)
        for input in inputs {
            let before = builder.sentences
            var isFolder: ObjCBool = false
            if input.hasSuffix(".txt"), !(FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) && isFolder.boolValue) {
                guard Self.addLines(of: input, to: &builder) else { throw ExitCode.failure }
            } else {
                let dataset = try DatasetLoader.load(input)
                for utterance in dataset.utterances where utterance.split == .train {
                    let words = utterance.transcript.split(separator: " ").map(String.init)
                    if !words.isEmpty { builder.add(words) }
                }
            }
            Console.note("cochlea: \(input): \(builder.sentences - before) sentences")
        }
        guard builder.sentences > 0 else {
            Console.error("no sentences in \(inputs.joined(separator: ", ")) (a dataset gives its training split's transcripts)")
            throw ExitCode.failure
        }
        let estimate = builder.estimate()
        try AtomicFile.write(estimate.arpa(), to: out)
        let counts = estimate.orders.enumerated().map { "\($0.offset + 1)-grams \($0.element.count)" }.joined(separator: ", ")
        let discounts = estimate.discounts.map { String(format: "%.3f", $0) }.joined(separator: ", ")
        Console.output("\(out): \(builder.sentences) sentences, \(estimate.words.count) words; \(counts); discounts \(discounts)")
    }

    /// A line of text as words: lowercased, with punctuation and symbols (but apostrophes) as spaces.
    static func words(of line: String) -> [String] {
        let kept = DatasetLoader.normalize(line).unicodeScalars.map { scalar -> Character in
            scalar == "'" || CharacterSet.letters.contains(scalar) || CharacterSet.decimalDigits.contains(scalar)
                || CharacterSet.nonBaseCharacters.contains(scalar) ? Character(scalar) : " "
        }
        return String(kept).split(separator: " ").map(String.init)
    }

    /// Adds each line of a UTF-8 text file as a sentence, read a line at a time; false after an
    /// error that names the file.
    static func addLines(of path: String, to builder: inout KneserNeyBuilder) -> Bool {
        guard var reader = TextLineReader(path: path) else {
            Console.error("\(path): cannot read the file (\(FileManager.default.fileExists(atPath: path) ? "unreadable" : "no such file"))")
            return false
        }
        do {
            while let line = try reader.next() {
                let words = words(of: line)
                if !words.isEmpty { builder.add(words) }
            }
            return true
        } catch TextLineReader.Failure.notUTF8(let line) {
            Console.error("\(path): not UTF-8 text (line \(line))")
        } catch {
            Console.error("\(path): cannot read the file (\(error))")
        }
        return false
    }
}
