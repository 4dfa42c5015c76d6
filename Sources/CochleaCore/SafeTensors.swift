import Foundation

/// One tensor of a safetensors file, widened to Double whatever its stored dtype.
public struct SafeTensor: Equatable, Sendable {
    public var shape: [Int]
    /// The stored dtype: "F32", "F64", "F16", "BF16", "I32" or "I64".
    public var dtype: String
    public var values: [Double]

    public init(shape: [Int], dtype: String = "F32", values: [Double]) {
        self.shape = shape
        self.dtype = dtype
        self.values = values
    }

    public var floats: [Float] { values.map(Float.init) }
}

public struct SafeTensorsFile: Equatable, Sendable {
    public var tensors: [String: SafeTensor]
    public var metadata: [String: String]

    public init(tensors: [String: SafeTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }
}

public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read (\(reason))"
        case .malformed(let path, let reason): return "\(path): not a valid safetensors file (\(reason))"
        }
    }
}

/// Hugging Face's safetensors format: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw little-endian data. This is what
/// `safetensors.torch.save_file` writes and `load_file` reads.
public enum SafeTensors {
    /// Headers longer than this are rejected before anything is allocated for them.
    public static let maximumHeaderBytes = 100_000_000
    static let widths = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I32": 4, "I64": 8]

    public static func read(_ path: String) throws -> SafeTensorsFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SafeTensorsError.unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw SafeTensorsError.unreadable(path: path, reason: isDirectory.boolValue ? "is a directory" : "not readable")
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String = "<data>") throws -> SafeTensorsFile {
        func fail(_ reason: String) -> SafeTensorsError { .malformed(path: path, reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw fail("\(bytes.count) bytes is shorter than the 8-byte header length") }
        let declared = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard declared <= UInt64(maximumHeaderBytes) else { throw fail("header length \(declared) is absurd") }
        let headerLength = Int(declared)
        guard 8 + headerLength <= bytes.count else {
            throw fail("header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + headerLength]))
        } catch {
            throw fail("header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw fail("header is not a JSON object") }
        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        var tensors = [String: SafeTensor]()
        var metadata = [String: String]()
        var ranges = [(Int, Int, String)]()
        for (name, entry) in header {
            if name == "__metadata__" {
                guard let meta = entry as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (key, value) in meta {
                    guard let text = value as? String else { throw fail("metadata \(key) is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let shapeValues = info["shape"] as? [Any], let offsets = info["data_offsets"] as? [Any], offsets.count == 2
            else { throw fail("tensor \(name) lacks dtype, shape or data_offsets") }
            guard let width = widths[dtype] else { throw fail("tensor \(name) has unsupported dtype \(dtype)") }
            let shape = try shapeValues.map { value -> Int in
                guard let n = (value as? NSNumber)?.intValue, n >= 0, n <= 1 << 40 else { throw fail("tensor \(name) has a bad shape") }
                return n
            }
            let count = try shape.reduce(1) { product, n in
                let (result, overflow) = product.multipliedReportingOverflow(by: n)
                guard !overflow, result <= 1 << 40 else { throw fail("tensor \(name) has an absurd shape \(shape)") }
                return result
            }
            guard let begin = (offsets[0] as? NSNumber)?.intValue, let end = (offsets[1] as? NSNumber)?.intValue,
                  0 <= begin, begin <= end
            else { throw fail("tensor \(name) has bad data_offsets") }
            guard end <= dataLength else {
                throw fail("tensor \(name) ends at byte \(end) of a \(dataLength)-byte data section (file truncated?)")
            }
            guard end - begin == count * width else {
                throw fail("tensor \(name) holds \(end - begin) bytes, its shape \(shape) of \(dtype) needs \(count * width)")
            }
            ranges.append((begin, end, name))
            tensors[name] = SafeTensor(shape: shape, dtype: dtype, values: convert(bytes, dataStart + begin, count, dtype))
        }
        ranges.sort { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
            throw fail("tensors \(a.2) and \(b.2) overlap")
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    private static func convert(_ bytes: [UInt8], _ start: Int, _ count: Int, _ dtype: String) -> [Double] {
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + start
            return (0..<count).map { i -> Double in
                switch dtype {
                case "F32": return Double(Float(bitPattern: (base + 4 * i).loadUnaligned(as: UInt32.self).littleEndian))
                case "F64": return Double(bitPattern: (base + 8 * i).loadUnaligned(as: UInt64.self).littleEndian)
                case "F16": return Double(Float16(bitPattern: (base + 2 * i).loadUnaligned(as: UInt16.self).littleEndian))
                case "BF16": return Double(Float(bitPattern: UInt32((base + 2 * i).loadUnaligned(as: UInt16.self).littleEndian) << 16))
                case "I32": return Double(Int32(littleEndian: (base + 4 * i).loadUnaligned(as: Int32.self)))
                default: return Double(Int64(littleEndian: (base + 8 * i).loadUnaligned(as: Int64.self)))
                }
            }
        }
    }

    /// Encodes float32 tensors in the given order (the order also fixes their places in the file).
    public static func encode(_ tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:]) -> Data {
        var entries = [String]()
        var offset = 0
        for tensor in tensors {
            precondition(tensor.shape.reduce(1, *) == tensor.values.count, "\(tensor.name): shape does not match values")
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + 4 * tensor.values.count)]}")
            offset += 4 * tensor.values.count
        }
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var data = Data(capacity: 8 + header.count + offset)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for tensor in tensors {
            tensor.values.withUnsafeBufferPointer { values in
                values.withMemoryRebound(to: UInt8.self) { bytes in data.append(bytes) }
            }
        }
        return data
    }

    static func jsonString(_ text: String) -> String {
        let encoded = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        return String(decoding: encoded.dropFirst().dropLast(), as: UTF8.self)
    }
}
