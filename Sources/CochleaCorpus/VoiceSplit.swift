import CochleaCore

/// The three parts of the corpus. Held-out parts are spoken only by held-out speakers.
public enum Split: String, CaseIterable, Sendable, Comparable {
    case train, validation, test

    public static func < (a: Split, b: Split) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Which speaker belongs to which split: disjoint, seeded, and held out by whole timbre families.
public struct VoiceSplit: Equatable, Sendable {
    /// Speaker id → split.
    public private(set) var assignment: [String: Split]

    public init(assignment: [String: Split]) { self.assignment = assignment }

    /// Recorded speakers: one to test, the rest to training (with `recordedValidation`, or when
    /// there are no espeak timbres to validate on, one of the rest to validation if three or more
    /// remain) — except that a recorded speaker who is the only one of their gender always trains:
    /// there is one woman among the five (slt), and a model that never hears a real woman's voice
    /// fails on women, whatever the test then says. espeak timbres: per gender, whole families are
    /// dealt to test, then validation, until each holds `share` of that gender's timbres; the rest
    /// train. Both orders are shuffled by `seed`.
    public init(speakers: [Speaker], seed: UInt64, share: Double, recordedValidation: Bool = false) {
        var random = SeededRandom(seed: seed ^ 0x5EED_5EA1_7000_0001)
        assignment = [:]
        let recordedSpeakers = speakers.filter(\.recorded)
        for speaker in recordedSpeakers where recordedSpeakers.filter({ $0.gender == speaker.gender }).count == 1 {
            assignment[speaker.id] = .train
        }
        let validateOnRecorded = recordedValidation || speakers.allSatisfy(\.recorded)
        var recorded = recordedSpeakers.map(\.id).filter { assignment[$0] == nil }.sorted()
        recorded.shuffle(using: &random)
        for (i, id) in recorded.enumerated() {
            switch (i, recorded.count) {
            case (0, 2...): assignment[id] = .test
            case (1, 3...) where validateOnRecorded: assignment[id] = .validation
            default: assignment[id] = .train
            }
        }
        let synthetic = speakers.filter { !$0.recorded }
        for gender in [Gender.female, .male] {
            let ofGender = synthetic.filter { $0.gender == gender }
            guard !ofGender.isEmpty else { continue }
            var families = Array(Set(ofGender.map(\.family))).sorted()
            families.shuffle(using: &random)
            // A gender with few timbres still gives each held-out split one, if it has three or more.
            let target = ofGender.count >= 3 ? max(1, Int((share * Double(ofGender.count)).rounded(.up))) : 0
            var held: [Split: Int] = [.test: 0, .validation: 0]
            for family in families {
                let members = ofGender.filter { $0.family == family }
                let split: Split = held[.test]! < target ? .test : held[.validation]! < target ? .validation : .train
                if split != .train { held[split]! += members.count }
                for member in members { assignment[member.id] = split }
            }
        }
    }

    public func speakers(in split: Split) -> [String] {
        assignment.filter { $0.value == split }.map(\.key).sorted()
    }

    public func split(of speaker: String) -> Split? { assignment[speaker] }
}
