import ArgumentParser
import CochleaCore
import CochleaDistributed
import CochleaFeatures
import CochleaTraining
import Foundation

extension LearningRateSchedule: ExpressibleByArgument {}
extension UnknownCharacterPolicy: ExpressibleByArgument {}

/// Feature settings a model can be trained with.
enum FeaturePreset: String, ExpressibleByArgument, CaseIterable {
    case fbank40, fbank80, mfcc39, mfcc13

    var pipeline: FeaturePipeline {
        switch self {
        case .fbank40: return .defaultForTraining
        case .fbank80:
            var p = FeaturePipeline.defaultForTraining
            p.options.numMelBins = 80
            return p
        case .mfcc39: return FeaturePipeline(options: .kaldiMFCC, normalization: .mean, deltas: DeltaOptions())
        case .mfcc13: return FeaturePipeline(options: .kaldiMFCC, normalization: .mean)
        }
    }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a BiLSTM-CTC model on folders of labelled speech.",
        discussion: """
        DATA is any mix of:
          • Speech Commands folders: one folder per word (the folder name is the transcript), \
        `_background_noise_` for noise, validation_list.txt / testing_list.txt for the split;
          • a TSV manifest with a header naming `path` and `transcript` (or Common Voice's `sentence`, \
        or `text`), optionally `split` and `speaker`; paths relative to the manifest;
          • a Kaldi data directory with `wav.scp` (plain paths) and `text`.
        Entries with problems (missing or undecodable audio, empty transcripts, characters other than \
        letters, space and apostrophe, duplicates) are skipped, counted and listed in OUT/problems.txt.

        OUT receives the best model (config.json + model.safetensors), checkpoints/last and best, \
        history.tsv, history.svg and test_report.json. Ctrl-C saves a checkpoint; --resume continues \
        it and reaches the same weights as an uninterrupted run.

        Under mpirun, each process trains on its share of every batch and the gradients are summed \
        over processes (see the README's "Several machines"); rank 0 writes OUT:
          mpirun -np 4 cochlea train datasets/generated/full --out models/keywords --threads 1

        Examples:
          cochlea train datasets/generated/full --out models/keywords --epochs 30
          cochlea train my-recordings/ --out models/mine --init-from models/default --learning-rate 0.001 --epochs 20
        """)

    @Argument(help: "Datasets (folders, manifests or Kaldi directories).")
    var data: [String]

    @Option(help: "A separate validation set (default: the data's own split, else 10% of the training speakers, or of the utterances when none are named, drawn by --seed from their names in the data).")
    var validation: [String] = []

    @Option(help: "Folder for the model, checkpoints and reports.")
    var out: String

    @Flag(help: "Continue the run saved in OUT (its options are used; the ones given here are ignored).")
    var resume = false

    @Option(name: .customLong("init-from"), help: ArgumentHelp(
        "Start from a trained model's weights (fine-tuning), e.g. models/default, instead of random ones.",
        discussion: "The run takes that model's features, network shape and characters (options that set them are refused); transcripts with other characters are skipped or, with --unknown-characters drop, lose them. Its vocabulary comes from the new training transcripts. A lower peak rate than from scratch keeps what the model knew, e.g. --learning-rate 0.001 --epochs 20.",
        valueName: "model"))
    var initFrom: String?

    @Option(help: "Features: fbank40 (40 log-mel, mean-variance normalised), fbank80, mfcc39 (13 MFCC + deltas, CMN) or mfcc13. (default: fbank40)")
    var features: FeaturePreset?
    @Flag(help: ArgumentHelp(FeatureArguments.maskEmptyBandsHelp + " Stored in the model, so transcription does the same."))
    var maskEmptyBands = false
    @Option(help: ArgumentHelp(FeatureArguments.dynamicRangeHelp + " Stored in the model, so transcription does the same."))
    var dynamicRange: Double?
    @Option(help: ArgumentHelp(FeatureArguments.speechStatisticsHelp + " Stored in the model, so transcription does the same."))
    var speechStatistics: Double?
    @Flag(help: ArgumentHelp(FeatureArguments.pcenHelp + " Stored in the model, so transcription does the same."))
    var pcen = false
    @Option(help: "Per-utterance normalisation instead of the preset's: none, mean, mean-variance or sliding (e.g. none with --pcen, which normalises by itself).")
    var cmvn: NormalizationMode?
    @Option(help: "Low edge of the mel filterbank in Hz (default: 20). Raising it (e.g. to 100) keeps the lowest bands from resolving single pitch harmonics.")
    var lowFreq: Double?
    @Option(help: "Stack this many consecutive frames into one model input (with --stride: fewer, wider frames). (default: 1)")
    var stack: Int?
    @Option(help: "Feed the model every STRIDE-th stacked frame: a stride of 3 runs the network 3× faster. (default: 1)")
    var stride: Int?
    @Option(help: "BiLSTM layers. (default: \(TrainingOptions().layers))") var layers: Int?
    @Option(help: "Hidden units per direction. (default: \(TrainingOptions().hiddenSize))") var hidden: Int?
    @Option(help: "Epochs (at most; see --early-stopping).") var epochs = TrainingOptions().epochs
    @Option(help: "Utterances per batch.") var batchSize = TrainingOptions().batchSize
    @Option(help: "Peak learning rate (Adam).") var learningRate = TrainingOptions().learningRate
    @Option(help: "cosine (with warm-up), plateau (halve when validation loss stalls) or constant.")
    var schedule = TrainingOptions().schedule
    @Option(help: "Decoupled weight decay (AdamW); 0 for plain Adam.") var weightDecay = TrainingOptions().weightDecay
    @Option(help: "Clip the gradient norm to this; 0 for no clipping.") var clip = TrainingOptions().clipNorm
    @Option(help: "Dropout between LSTM layers.") var dropout = TrainingOptions().dropout
    @Option(help: "SpecAugment frequency masks per utterance (0: none).") var frequencyMasks = SpecAugmentOptions().frequencyMasks
    @Option(help: "SpecAugment time masks per utterance (0: none).") var timeMasks = SpecAugmentOptions().timeMasks
    @Option(help: "Widest SpecAugment frequency mask, in filterbank bands (or coefficients).")
    var frequencyMaskWidth = SpecAugmentOptions().frequencyWidth
    @Option(help: "Widest SpecAugment time mask, in the network's frames (30 ms each with --stack 3 --stride 3); a mask also covers at most a fifth of the utterance.")
    var timeMaskWidth = SpecAugmentOptions().timeWidth
    @Option(help: "Share of training utterances mixed with _background_noise_ each epoch.") var noise = TrainingOptions().noiseProbability
    @Option(help: "Lowest and highest noise SNR in dB, e.g. 5:30.") var noiseSnr = "5:30"
    @Option(help: "Share of training utterances speed-perturbed each epoch (resampled: tempo, pitch and formants).")
    var speedPerturbation = TrainingOptions().speedProbability
    @Option(help: "Lowest and highest speed factor, in steps of 0.01 (1.1: 10% faster and higher), e.g. 0.9:1.1.")
    var speedRange = "0.8:1.18"
    @Option(help: "Share of training utterances with a warped mel filterbank each epoch (VTLP).")
    var warp = TrainingOptions().warpProbability
    @Option(help: "Lowest and highest warp factor, e.g. 0.85:1.15.") var warpRange = "0.85:1.15"
    @Option(help: "Share of training utterances reverberated each epoch: convolved with a simulated room's impulse response (direct sound, then decaying noise; direct-to-reverberant ratio 0–12 dB), as speech recorded in a room is. 0: none.")
    var reverb = 0.0
    @Option(help: "Lowest and highest reverberation time RT60 in seconds, e.g. 0.2:0.8 (rooms and offices are 0.3–0.6).")
    var reverbTime = "0.2:0.8"
    @Option(help: "Share of training utterances low-pass filtered each epoch at a cutoff drawn from --band-limit-cutoff, as a telephone (3.4 kHz), an 8 kHz recording (4 kHz) or a cheap microphone band-limits speech. 0: none.")
    var bandLimit = 0.0
    @Option(help: "Lowest and highest band-limit cutoff in Hz, e.g. 3000:7000.")
    var bandLimitCutoff = "3000:7000"
    @Option(help: "Share of training utterances clipped each epoch: driven past full scale by a number of dB drawn from --clipping-overdrive and cut there, as a loud talker or a gain set too high leaves a recording. 0: none.")
    var clipping = 0.0
    @Option(help: "Lowest and highest clipping overdrive in dB over full scale, e.g. 0:9.")
    var clippingOverdrive = "0:9"
    @Option(help: "Share of training utterances trimmed each epoch: leading and trailing audio quieter than --trim-threshold under the loudest 10 ms cut away and --trim-padding seconds of digital silence put in its place, as tightly edited datasets, noise suppression and zero-padding loaders leave recordings. 0: none.")
    var trim = 0.0
    @Option(help: "Lowest and highest trimming threshold in dB under the clip's loudest 10 ms, e.g. 20:50 (20 cuts into weak consonants, as careless editing does).")
    var trimThreshold = "20:50"
    @Option(help: "Lowest and highest seconds of zeros put before and after a trimmed clip, drawn separately for each end; a negative draw leaves that end bare. E.g. 0:0.3 (always some pause), or -0.3:0.3 (half the ends bare, as datasets cut to the first syllable are).")
    var trimPadding = "-0.3:0.3"
    @Option(help: "Share of training utterances given noise under the voice each epoch: white noise that follows the speech's own loudness 10 ms at a time, --modulated-noise-snr dB under it, as breathy voices, vocoded speech and lossy codecs carry noise in the voice itself (background noise, --noise, is loudest in the pauses). 0: none.")
    var modulatedNoise = 0.0
    @Option(help: "Lowest and highest SNR of the modulated noise in dB, in every 10 ms, e.g. 5:25.")
    var modulatedNoiseSnr = "5:25"
    @Option(help: "Share of training utterances given clicks each epoch: 1–4 short decaying bursts of coloured noise in the clip's pauses, as a mouse button, a touch screen or a lip smack leaves them around a word recorded by pressing a button (some of Speech Commands' recordings have them). 0: none.")
    var clicks = 0.0
    @Option(help: "Lowest and highest click peak in dB relative to the clip's peak, e.g. --click-level=-40:-15 (with '=': the value starts with a minus).")
    var clickLevel = "-40:-15"
    @Option(help: "Share of single-word training utterances cut inside their speech each epoch: --truncate-fraction of the word cut away at its start or its end, as a recording started late or stopped early, or a one-second window cut from a longer take, leaves it (about one in nine of Speech Commands' clips). Sentences are never cut. 0: none.")
    var truncate = 0.0
    @Option(help: "Lowest and highest share of the word cut away, e.g. 0.05:0.3.")
    var truncateFraction = "0.05:0.3"
    @Option(help: "Share of training utterances through a dynamic range compressor each epoch: above a threshold (--compress-threshold dB under the clip's peak) the level rises 1/ratio as fast (--compress-ratio), attack 1–20 ms, release 30–300 ms, as a phone's or a browser's automatic gain control leaves a recording: vowels lose loudness against consonants and noise. 0: none.")
    var compress = 0.0
    @Option(help: "Lowest and highest compression threshold in dB under the clip's peak, e.g. 10:40.")
    var compressThreshold = "10:40"
    @Option(help: "Lowest and highest compression ratio, e.g. 1.5:6.")
    var compressRatio = "1.5:6"
    @Option(help: "Share of training utterances through a noise suppressor each epoch: spectral subtraction of the noise estimated from the clip's quietest frames, 1–4 times over, each bin's gain no lower than --suppress-floor dB, as phones, headsets and browsers (WebRTC) leave recordings: weak consonants and breath go with the noise. 0: none.")
    var suppressNoise = 0.0
    @Option(help: "Lowest and highest gain floor of the noise suppressor in dB, e.g. --suppress-floor=-25:-8 (with '=': the value starts with a minus).")
    var suppressFloor = "-25:-8"
    @Option(help: "Share of training utterances with their spectral tilt changed each epoch, before noise is mixed: a first-order shelf raises or lowers everything above a corner (--tilt-corner Hz) by --tilt-gain dB, as voices (breathy or pressed, soft or loud), microphones and their distance differ; noise then buries a dull voice's upper bands first, as it does a bass-heavy voice's in a recording. 0: none.")
    var tilt = 0.0
    @Option(help: "Lowest and highest gain above the corner in dB, e.g. --tilt-gain=-15:6 (with '=': the value starts with a minus).")
    var tiltGain = "-15:6"
    @Option(help: "Lowest and highest tilt corner in Hz, e.g. 300:1000.")
    var tiltCorner = "300:1000"
    @Option(help: "Share of single-word training utterances joined each epoch with other single words of their speaker (--splice-words in all, in random order) into one utterance, as a sentence the data does not have: where two words meet each keeps --splice-margin seconds of the pause beside its speech; the first keeps its lead-in, the last its tail. Speakers come from the layout (Speech Commands' file-name prefix, a manifest's speaker column, utt2spk); without them any words are joined. 0: none.")
    var splice = 0.0
    @Option(help: "Fewest and most words in a spliced utterance, e.g. 2:3.")
    var spliceWords = "2:3"
    @Option(help: "Lowest and highest pause in seconds kept beside a word's speech where two spliced words meet, e.g. 0.02:0.12.")
    var spliceMargin = "0.02:0.12"
    @Option(help: "Stop after this many epochs without a better validation WER (0: never).")
    var earlyStopping = TrainingOptions().earlyStoppingPatience
    @Option(help: ArgumentHelp("Finish within this many minutes of the start (features included), e.g. on a slower machine: after each epoch the epochs still to come are cut to those that fit at the mean epoch time so far, and the learning-rate schedule ends with the last of them. The test-set report after training is not counted; a resumed run keeps its first run's limit and counts from its own start.", valueName: "minutes"))
    var timeLimit: Double?
    @Option(help: "skip utterances with characters other than letters, space and apostrophe, or drop those characters.")
    var unknownCharacters = UnknownCharacterPolicy.skip
    @Option(help: "Seed of initialisation, shuffling, augmentation and dropout.") var seed: UInt64 = 1
    @Option(help: "Threads (default: the cores, shared between the ranks mpirun starts on this machine).") var threads = Job.defaultThreads
    @Flag(help: "Under mpirun: sum each layer's gradients over the processes on a second thread while the layers below are still in backward (pays when a core is free for it; see docs/SCALING.md).")
    var overlapAllreduce = false

    func validate() throws {
        _ = try options()
        guard !data.isEmpty else { throw ValidationError("give at least one dataset") }
    }

    /// The options that set features or the network's shape, by name, when given.
    private var architectureOptions: [String] {
        [("--features", features != nil), ("--mask-empty-bands", maskEmptyBands), ("--dynamic-range", dynamicRange != nil),
         ("--speech-statistics", speechStatistics != nil), ("--pcen", pcen), ("--cmvn", cmvn != nil), ("--low-freq", lowFreq != nil),
         ("--stack", stack != nil), ("--stride", stride != nil), ("--layers", layers != nil), ("--hidden", hidden != nil)]
            .filter(\.1).map(\.0)
    }

    func options() throws -> TrainingOptions {
        var o = TrainingOptions()
        if initFrom != nil, !architectureOptions.isEmpty {
            throw ValidationError("--init-from takes the features and network shape of the model it starts from; drop \(architectureOptions.joined(separator: ", "))")
        }
        o.initialModel = initFrom
        o.features = (features ?? .fbank40).pipeline
        if maskEmptyBands { o.features.emptyBands = EmptyBandMasking() }
        o.features.dynamicRange = dynamicRange.map(DynamicRangeFloor.init(decibels:))
        o.features.speechStatistics = speechStatistics.map(SpeechStatistics.init(decibels:))
        if pcen { o.features.pcen = PCEN() }
        if let cmvn { o.features.normalization = cmvn }
        if let lowFreq { o.features.options.lowFrequency = lowFreq }
        let (stack, stride) = (self.stack ?? 1, self.stride ?? 1)
        if stack > 1 || stride > 1 { o.features.stacking = FrameStacking(count: stack, stride: stride) }
        o.layers = layers ?? o.layers
        o.hiddenSize = hidden ?? o.hiddenSize
        o.epochs = epochs
        o.batchSize = batchSize
        o.learningRate = learningRate
        o.schedule = schedule
        o.weightDecay = weightDecay
        o.clipNorm = clip
        o.dropout = dropout
        o.specAugment.frequencyMasks = frequencyMasks
        o.specAugment.timeMasks = timeMasks
        o.specAugment.frequencyWidth = frequencyMaskWidth
        o.specAugment.timeWidth = timeMaskWidth
        o.noiseProbability = noise
        o.speedProbability = speedPerturbation
        o.speedRange = try Self.range(speedRange, option: "--speed-range", example: "0.9:1.1")
        o.warpProbability = warp
        o.warpRange = try Self.range(warpRange, option: "--warp-range", example: "0.85:1.15")
        o.noiseSNR = try Self.range(noiseSnr, option: "--noise-snr", unit: " in dB", example: "5:30")
        let reverbTimes = try Self.range(reverbTime, option: "--reverb-time", unit: " in seconds", example: "0.2:0.8")
        if reverb != 0 {
            var room = ReverberationOptions(probability: reverb)
            room.reverberationTime = reverbTimes
            o.reverberation = room
        }
        let cutoffs = try Self.range(bandLimitCutoff, option: "--band-limit-cutoff", unit: " in Hz", example: "3000:7000")
        if bandLimit != 0 {
            var channel = BandLimitOptions(probability: bandLimit)
            channel.cutoff = cutoffs
            o.bandLimit = channel
        }
        let overdrives = try Self.range(clippingOverdrive, option: "--clipping-overdrive", unit: " in dB", example: "0:9")
        if clipping != 0 {
            var clip = ClippingOptions(probability: clipping)
            clip.overdrive = overdrives
            o.clipping = clip
        }
        let trimThresholds = try Self.range(trimThreshold, option: "--trim-threshold", unit: " in dB", example: "20:50")
        let trimPaddings = try Self.range(trimPadding, option: "--trim-padding", unit: " in seconds", example: "-0.3:0.3")
        if trim != 0 {
            var trimming = TrimmingOptions(probability: trim)
            trimming.threshold = trimThresholds
            trimming.padding = trimPaddings
            o.trimming = trimming
        }
        let voiceNoiseSNRs = try Self.range(modulatedNoiseSnr, option: "--modulated-noise-snr", unit: " in dB", example: "5:25")
        if modulatedNoise != 0 {
            var voiceNoise = ModulatedNoiseOptions(probability: modulatedNoise)
            voiceNoise.snr = voiceNoiseSNRs
            o.modulatedNoise = voiceNoise
        }
        let clickLevels = try Self.range(clickLevel, option: "--click-level", unit: " in dB", example: "-40:-15")
        if clicks != 0 {
            var click = ClickOptions(probability: clicks)
            click.level = clickLevels
            o.clicks = click
        }
        let truncateFractions = try Self.range(truncateFraction, option: "--truncate-fraction", example: "0.05:0.3")
        if truncate != 0 {
            var truncation = TruncationOptions(probability: truncate)
            truncation.fraction = truncateFractions
            o.truncation = truncation
        }
        let compressThresholds = try Self.range(compressThreshold, option: "--compress-threshold", unit: " in dB", example: "10:40")
        let compressRatios = try Self.range(compressRatio, option: "--compress-ratio", example: "1.5:6")
        if compress != 0 {
            var compression = CompressionOptions(probability: compress)
            compression.threshold = compressThresholds
            compression.ratio = compressRatios
            o.compression = compression
        }
        let suppressFloors = try Self.range(suppressFloor, option: "--suppress-floor", unit: " in dB", example: "-25:-8")
        if suppressNoise != 0 {
            var suppression = NoiseSuppressionOptions(probability: suppressNoise)
            suppression.floor = suppressFloors
            o.noiseSuppression = suppression
        }
        let tiltGains = try Self.range(tiltGain, option: "--tilt-gain", unit: " in dB", example: "-15:6")
        let tiltCorners = try Self.range(tiltCorner, option: "--tilt-corner", unit: " in Hz", example: "300:1000")
        if tilt != 0 {
            var shelf = TiltOptions(probability: tilt)
            shelf.gain = tiltGains
            shelf.corner = tiltCorners
            o.tilt = shelf
        }
        let spliceWordCounts = try Self.range(spliceWords, option: "--splice-words", example: "2:3")
        let spliceMargins = try Self.range(spliceMargin, option: "--splice-margin", unit: " in seconds", example: "0.02:0.12")
        if splice != 0 {
            var splicing = SplicingOptions(probability: splice)
            guard let fewest = Int(exactly: spliceWordCounts.lowerBound), let most = Int(exactly: spliceWordCounts.upperBound) else {
                throw ValidationError("--splice-words takes whole numbers of words, LOW:HIGH, e.g. 2:3")
            }
            splicing.words = fewest...most
            splicing.margin = spliceMargins
            o.splicing = splicing
        }
        o.earlyStoppingPatience = earlyStopping
        o.timeLimit = timeLimit.map { $0 * 60 }
        o.unknownCharacters = unknownCharacters
        o.seed = seed
        o.threads = threads
        do { try o.validate() } catch { throw ValidationError("\(error)") }
        return o
    }

    /// "LOW:HIGH" as a range, or an error that shows the option's form.
    static func range(_ text: String, option: String, unit: String = "", example: String) throws -> ClosedRange<Double> {
        let bounds = text.split(separator: ":").compactMap { Double($0) }
        guard bounds.count == 2, bounds[0] <= bounds[1] else { throw ValidationError("\(option) takes LOW:HIGH\(unit), e.g. \(example)") }
        return bounds[0]...bounds[1]
    }

    func run() throws {
        try Job.run(train)
    }

    private func train(_ world: Communicator) throws {
        var dataset = Dataset()
        for path in data { dataset.append(try DatasetLoader.load(path)) }
        for path in validation { dataset.append(try DatasetLoader.load(path, defaultSplit: .validation)) }
        Console.note("cochlea: reading \(dataset.sources.joined(separator: "; "))")
        let trainer = Trainer(output: out)
        trainer.communicator = world
        trainer.overlapReduction = overlapAllreduce
        let display = TrainingDisplay()
        let stop = StopSignal(job: world.isDistributed ? (rank: world.rank, size: world.size, out: out) : nil)
        trainer.onEvent = { event in
            if case .checkpoint(let path, let epoch, let batch) = event { stop.saved(path: path, epoch: epoch, batch: batch) }
            display.show(event)
        }
        trainer.shouldStop = { stop.requested }
        do {
            let summary = try trainer.run(dataset: dataset, options: try options(), resume: resume)
            display.finish()
            report(summary)
        } catch let error as TrainingError {
            display.finish()
            if case .interrupted = error {
                Console.error("\(error)")
                throw ExitCode(130)
            }
            throw error
        }
    }

    private func report(_ summary: TrainingSummary) {
        Console.output(String(format: "best validation WER %.2f%%%@; model in %@", summary.bestWER * 100,
                              summary.stoppedEarly ? " (stopped early)" : "", out))
        if let test = summary.test {
            let (single, multiple) = test.byLength
            Console.output(String(format: "test: WER %.2f%% (%d utterances); single keywords %.2f%% (%d), multi-word %.2f%% (%d); CER %.2f%%",
                                  test.rates.wordErrorRate * 100, test.rates.utterances, single.wordErrorRate * 100, single.utterances,
                                  multiple.wordErrorRate * 100, multiple.utterances, test.rates.characterErrorRate * 100))
        }
        if !summary.problems.isEmpty {
            Console.note("cochlea: \(summary.problems.count) dataset entries were skipped; see \(out)/problems.txt")
        }
    }
}
