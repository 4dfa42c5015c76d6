import CochleaCore
import Foundation

/// `plan.tsv`: a header, then one tab-separated line per plan item. Numbers are written in Swift's
/// shortest round-trip form, so reading a plan back gives exactly the values that made the corpus.
public enum PlanFile {
    public static let columns = [
        "part", "split", "path", "transcript", "speaker", "engine", "voice", "rate", "pitch", "stretch", "speed",
        "tempo", "cents", "level", "noise", "snr", "lead", "trail", "seed", "offset",
    ]

    public static func encode(_ plan: CorpusPlan) -> String {
        var text = columns.joined(separator: "\t") + "\n"
        for item in plan.items {
            let fields: [String] = [
                item.part.rawValue, item.split.rawValue, item.path, item.transcript, item.speaker,
                item.engine?.rawValue ?? "", item.voice, "\(item.rate)", "\(item.pitch)", "\(item.stretch)", "\(item.speed)",
                "\(item.tempo)", "\(item.cents)", "\(item.level)", item.noise.rawValue, "\(item.snr)", "\(item.lead)",
                "\(item.trail)", "\(item.seed)", "\(item.offset)",
            ]
            text += fields.joined(separator: "\t") + "\n"
        }
        return text
    }

    public static func write(_ plan: CorpusPlan, to path: String) throws {
        try AtomicFile.write(encode(plan), to: path)
    }

    public static func read(_ path: String) throws -> CorpusPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorpusError.unreadable(path: path, reason: "no such file or not readable")
        }
        return try decode(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func decode(_ text: String, path: String = "plan.tsv") throws -> CorpusPlan {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.first else { throw CorpusError.malformedPlan(path: path, line: 1, reason: "empty file") }
        guard header.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) == columns else {
            throw CorpusError.malformedPlan(path: path, line: 1, reason: "header must be: " + columns.joined(separator: " <tab> "))
        }
        var items = [PlanItem]()
        items.reserveCapacity(lines.count - 1)
        for (index, line) in lines.enumerated().dropFirst() {
            items.append(try decodeLine(line, path: path, line: index + 1))
        }
        return CorpusPlan(items: items)
    }

    static func decodeLine(_ line: String, path: String, line number: Int) throws -> PlanItem {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        func fail(_ reason: String) -> CorpusError { .malformedPlan(path: path, line: number, reason: reason) }
        guard f.count == columns.count else { throw fail("\(f.count) fields, expected \(columns.count)") }
        func value<T>(_ column: Int, _ parse: (String) -> T?) throws -> T {
            guard let v = parse(f[column]) else { throw fail("\(columns[column]) \"\(f[column])\" is not valid") }
            return v
        }
        let engine: Engine? = f[5].isEmpty ? nil : try value(5) { Engine(rawValue: $0) }
        return PlanItem(
            part: try value(0) { PlanPart(rawValue: $0) }, split: try value(1) { Split(rawValue: $0) },
            path: f[2], transcript: f[3], speaker: f[4], engine: engine, voice: f[6],
            rate: try value(7) { Int($0) }, pitch: try value(8) { Int($0) }, stretch: try value(9) { Double($0) },
            speed: try value(10) { Double($0) }, tempo: try value(11) { Double($0) }, cents: try value(12) { Int($0) },
            level: try value(13) { Double($0) }, noise: try value(14) { NoiseKind(rawValue: $0) },
            snr: try value(15) { Double($0) }, lead: try value(16) { Double($0) }, trail: try value(17) { Double($0) },
            seed: try value(18) { UInt64($0) }, offset: try value(19) { Double($0) })
    }
}
