// Fuzz target: the two transcript files of `cochlea score` (Kaldi text or sclite trn) → parsing,
// pairing by id, word and character counts, confusions and alignments. The input is the reference,
// a line "---", then the hypothesis.
// A thrown TranscriptError is the right answer to bad files; a crash, leak, hang or huge allocation is a bug.
import CochleaMetrics

let separator = Array("\n---\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let cut = bytes.firstRange(of: separator) else { return 0 }
    let referenceBytes = Array(bytes[..<cut.lowerBound]), hypothesisBytes = Array(bytes[cut.upperBound...])
    for normalization in TextNormalization.allCases {
        guard let reference = try? TranscriptFile.parse(referenceBytes, path: "ref.txt", normalization: normalization),
              let hypothesis = try? TranscriptFile.parse(hypothesisBytes, path: "hyp.txt", normalization: normalization),
              let pairing = try? TranscriptPairing(reference: reference, hypothesis: hypothesis)
        else { continue }
        let score = Metrics.score(pairing.pairs, threads: 1, options: .all)
        var scorer = TranscriptScorer()
        for (pair, utterance) in zip(pairing.pairs, score.utterances) {
            let words = scorer.wordAlignment(reference: pair.reference, hypothesis: pair.hypothesis)
            let characters = scorer.characterAlignment(reference: pair.reference.joined(separator: " "),
                                                       hypothesis: pair.hypothesis.joined(separator: " "))
            precondition(words.counts == utterance.words, "alignment and counts disagree on \(pair)")
            precondition(characters.counts == utterance.characters, "character alignment and counts disagree on \(pair)")
        }
    }
    return 0
}
