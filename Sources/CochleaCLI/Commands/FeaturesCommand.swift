import ArgumentParser
import CochleaCore
import CochleaFeatures
import Foundation

struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute Kaldi-compatible MFCC or log-mel filterbank features and write .npy files.",
        discussion: """
        Writes one float32 NumPy array [frames, dims] per input, named after it (folders are walked for \
        audio files; their structure is kept under --out). Any format libsndfile reads is accepted; \
        audio is mixed to mono and resampled to --sample-frequency.

        A clip shorter than one frame gives a [0, dims] array and a warning. A file that cannot be \
        decoded is reported and skipped; the others are still written, and the exit code is 1.

        Examples:
          cochlea features clip.wav --out feats/
          cochlea features speech_commands/ --out feats/ --kind fbank --num-mel-bins 80
          cochlea features clip.wav --out feats/ --delta-order 2 --cmvn mean --dither 0
        Read one in Python with numpy.load("feats/clip.npy").
        """)

    @Argument(help: "Audio files or folders.")
    var inputs: [String]

    @Option(help: "Folder for the .npy files (created if missing).")
    var out: String

    @OptionGroup var features: FeatureArguments

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = Job.coreThreads

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        try Job.check(threads: threads)
    }

    func run() throws {
        let files = InputFiles.expand(inputs)
        guard !files.isEmpty else { throw ValidationError("no audio files found in \(inputs.joined(separator: ", "))") }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let pipeline = features.pipeline
        let names = OutputNames.npyPaths(for: files, inputs: inputs, outputFolder: out)
        let progress = ProgressReporter(total: files.count, label: "features", enabled: !quiet && files.count > 20)
        let failures = Counter()
        try Parallel.forEach(count: files.count, threads: threads, makeWorker: { _ in try PipelineExtractor(pipeline) }) { extractor, i in
            do {
                let matrix = try extractor.features(path: files[i])
                if matrix.frames == 0 {
                    Console.error("\(files[i]): shorter than one frame; wrote a [0, \(matrix.dims)] array")
                }
                try FileManager.default.createDirectory(
                    atPath: (names[i] as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Npy.write(matrix.values, shape: [matrix.frames, matrix.dims], to: names[i])
            } catch {
                failures.increment()
                Console.error("\(error)")
            }
            progress.advance()
        }
        progress.finish()
        let failed = failures.value
        if failed > 0 { throw BatchFailure(failed: failed, total: files.count) }
    }
}

/// Output paths that keep each input's place relative to the folder it was found in.
enum OutputNames {
    static func npyPaths(for files: [String], inputs: [String], outputFolder: String) -> [String] {
        let folders = inputs.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.map { ($0 as NSString).standardizingPath }
        return files.map { file in
            let standard = (file as NSString).standardizingPath
            var relative = (file as NSString).lastPathComponent
            if let folder = folders.first(where: { standard.hasPrefix($0 + "/") }) {
                relative = String(standard.dropFirst(folder.count + 1))
            }
            return (outputFolder as NSString).appendingPathComponent((relative as NSString).deletingPathExtension + ".npy")
        }
    }
}
