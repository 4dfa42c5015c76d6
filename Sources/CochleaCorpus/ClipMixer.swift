import CochleaCore

/// Turns perturbed speech into a finished clip: the synthesiser's own silence is trimmed, the planned
/// silence added (a single word padded to exactly 1 s), noise mixed at the planned SNR against the
/// speech, and the whole scaled to the planned peak level. Done here rather than in sox because the
/// SNR needs the speech's RMS, and the noise must come from the plan's seed.
public enum ClipMixer {
    /// 10 ms analysis frames at 16 kHz.
    static let frame = 160
    /// Kept on each side of the detected speech, so soft onsets and releases are never cut.
    public static let margin = 320
    /// A frame is speech if its RMS is within this many dB of the loudest frame: fricatives such as
    /// the /s/ of "six" sit 25–35 dB below the vowel, synthesiser silence more than 60 dB.
    static let activityRange = 45.0

    /// The samples from the first to the last active frame, widened by `margin`; nil if the signal
    /// is silent (loudest frame below −80 dBFS).
    public static func speechRegion(_ x: [Float]) -> Range<Int>? {
        let frames = (x.count + frame - 1) / frame
        guard frames > 0 else { return nil }
        let energies = (0..<frames).map { f in rms(x[(f * frame)..<min(x.count, (f + 1) * frame)]) }
        let loudest = energies.max()!
        guard loudest > amplitude(dB: -80) else { return nil }
        let threshold = loudest * amplitude(dB: -activityRange)
        let first = energies.firstIndex { $0 >= threshold }!
        let last = energies.lastIndex { $0 >= threshold }!
        return max(0, first * frame - margin)..<min(x.count, (last + 1) * frame + margin)
    }

    /// Places `speech` after the planned lead silence. With `length` (single words: 16,000 samples)
    /// the clip is exactly that long and the lead shrinks, in proportion with the trail, if the word
    /// would not fit otherwise; `speech` must not be longer than `length`. Without, the clip is
    /// lead + speech + trail. Returns the clip and where the speech is in it.
    public static func place(_ speech: [Float], lead: Double, trail: Double, length: Int?, sampleRate: Int = 16_000)
        -> (clip: [Float], speech: Range<Int>)
    {
        let wantedLead = Int((lead * Double(sampleRate)).rounded())
        let wantedTrail = Int((trail * Double(sampleRate)).rounded())
        var start = wantedLead
        var total = wantedLead + speech.count + wantedTrail
        if let length {
            precondition(speech.count <= length, "speech longer than the clip")
            let room = length - speech.count
            if wantedLead + wantedTrail > room {
                start = wantedLead + wantedTrail == 0 ? 0 : room * wantedLead / (wantedLead + wantedTrail)
            }
            total = length
        }
        var clip = [Float](repeating: 0, count: total)
        clip.replaceSubrange(start..<(start + speech.count), with: speech)
        return (clip, start..<(start + speech.count))
    }

    /// Adds `noise` (unit RMS, same length as the clip) so that the speech's RMS over `speech` is
    /// `snr` dB above the noise's.
    public static func addNoise(_ clip: inout [Float], noise: [Float], speech: Range<Int>, snr: Double) {
        precondition(noise.count == clip.count)
        let gain = rms(clip[speech]) * amplitude(dB: -snr)
        for i in clip.indices { clip[i] += gain * noise[i] }
    }

    /// Scales so that the largest magnitude is `level` dBFS.
    public static func normalise(_ clip: inout [Float], peak level: Double) {
        let peak = VectorReductions.peakMagnitude(clip)
        guard peak > 0 else { return }
        scale(&clip, by: amplitude(dB: level) / peak)
    }

    /// The finished clip for `item` from perturbed speech already trimmed to its region.
    static func finish(_ speech: [Float], _ item: PlanItem) -> [Float] {
        let length = item.part == .word ? PlanItem.wordSamples : nil
        var (clip, region) = place(speech, lead: item.lead, trail: item.trail, length: length)
        if item.part != .babble {
            addNoise(&clip, noise: NoiseGenerator.make(item.noise, count: clip.count, seed: item.seed), speech: region, snr: item.snr)
        }
        normalise(&clip, peak: item.level)
        return clip
    }
}
