/// How log-probabilities become text: the recognizer calls `decode` once per utterance.
/// Implementations may keep a workspace between calls, so one decoder serves one thread.
public protocol TranscriptDecoder {
    /// `logProbs`: [T, C] natural-log posteriors of one utterance; the result's times follow the
    /// decoder's `FrameTiming`.
    func decode(_ logProbs: LogProbabilities) -> Transcript
}

extension GreedyDecoder: TranscriptDecoder {}
