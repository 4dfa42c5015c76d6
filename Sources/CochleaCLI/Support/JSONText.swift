/// Writes JSON text directly, keys in the order given. Reports of tens of thousands of utterances
/// are built this way because it is several times faster than JSONSerialization, and a fixed key
/// order keeps reports diffable.
enum JSONText {
    /// `text` as a JSON string literal. Non-ASCII characters are kept as UTF-8, which JSON allows.
    static func string(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The shortest text that reads back as the same `Double`; `null` for infinity and NaN, which
    /// JSON cannot represent.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// `{"key": value, ...}` on one line; values are JSON text already.
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
    }

    static func array(_ values: [String]) -> String { "[" + values.joined(separator: ", ") + "]" }
}
