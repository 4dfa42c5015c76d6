import Foundation

/// The committed seed corpora of the fuzz targets (`Fuzz/TARGET/corpus/`), so that tests can hold
/// them to their names: a file named `broken_…` must be refused with a typed error, every other
/// file must be accepted.
public enum FuzzCorpus {
    public struct Seed {
        public var name: String
        public var data: Data
        public var isBroken: Bool { name.hasPrefix("broken_") }
    }

    /// The seeds of `target`, by name.
    public static func seeds(_ target: String, file: StaticString = #filePath) throws -> [Seed] {
        // This file is Tests/CochleaTestSupport/FuzzCorpus.swift.
        let root = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Fuzz/\(target)/corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { Seed(name: $0, data: try Data(contentsOf: folder.appendingPathComponent($0))) }
    }

    /// The parts of a seed that holds several files separated by lines `---`, split at the first
    /// `maximum - 1` separators, as the targets split them.
    public static func parts(_ data: Data, maximum: Int) -> [Data] {
        let separator = Data("\n---\n".utf8)
        var parts = [Data](), rest = data[...]
        while parts.count < maximum - 1, let cut = rest.firstRange(of: separator) {
            parts.append(Data(rest[..<cut.lowerBound]))
            rest = rest[cut.upperBound...]
        }
        return parts + [Data(rest)]
    }
}
