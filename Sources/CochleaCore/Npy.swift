import Foundation

/// An n-dimensional array read from or written to NumPy's `.npy` format (version 1.0/2.0, C order).
public struct NpyArray: Equatable {
    public var shape: [Int]
    /// Values in C (row-major) order, widened to Double whatever the stored dtype.
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }

    public var floats: [Float] { values.map(Float.init) }
}

public enum NpyError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read (\(reason))"
        case .malformed(let path, let reason): return "\(path): not a valid .npy file (\(reason))"
        }
    }
}

public enum Npy {
    /// Encodes a float32 array of the given shape (`<f4`, C order, format 1.0).
    public static func encode(shape: [Int], values: UnsafeBufferPointer<Float>) -> Data {
        precondition(shape.reduce(1, *) == values.count)
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // Magic (6) + version (2) + length (2) + header + newline must be a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = UInt16(header.utf8.count)
        data.append(UInt8(length & 0xFF))
        data.append(UInt8(length >> 8))
        data.append(contentsOf: header.utf8)
        values.withMemoryRebound(to: UInt8.self) { bytes in
            data.append(UnsafeBufferPointer(start: bytes.baseAddress, count: values.count * 4))
        }
        return data
    }

    public static func encode(shape: [Int], values: [Float]) -> Data {
        values.withUnsafeBufferPointer { encode(shape: shape, values: $0) }
    }

    /// Writes a float32 array atomically.
    public static func write(_ values: [Float], shape: [Int], to path: String) throws {
        try AtomicFile.write(encode(shape: shape, values: values), to: path)
    }

    public static func read(_ path: String) throws -> NpyArray {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NpyError.unreadable(path: path, reason: "no such file or not readable")
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String = "<data>") throws -> NpyArray {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, bytes[1...5].elementsEqual("NUMPY".utf8) else {
            throw NpyError.malformed(path: path, reason: "missing the \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NpyError.malformed(path: path, reason: "truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw NpyError.malformed(path: path, reason: "unsupported format version \(major)")
        }
        guard headerStart + headerLength <= bytes.count,
              let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: .utf8)
        else { throw NpyError.malformed(path: path, reason: "truncated header") }

        guard let descr = field("descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")),
              let shapeText = field("shape", in: header)
        else { throw NpyError.malformed(path: path, reason: "header lacks descr or shape") }
        if let order = field("fortran_order", in: header), order == "True" {
            throw NpyError.malformed(path: path, reason: "Fortran order is not supported")
        }
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { part -> Int in
                guard let n = Int(part), n >= 0 else { throw NpyError.malformed(path: path, reason: "bad shape \(shapeText)") }
                return n
            }
        let width: Int
        switch descr {
        case "<f4", "<i4": width = 4
        case "<f8", "<i8": width = 8
        default: throw NpyError.malformed(path: path, reason: "unsupported dtype \(descr)")
        }
        // The shape's product could overflow before it is compared with the bytes there are.
        let count = try shape.reduce(1) { product, n in
            let (result, overflow) = product.multipliedReportingOverflow(by: n)
            guard !overflow, result <= Int.max / 8 else { throw NpyError.malformed(path: path, reason: "shape \(shapeText) is absurdly large") }
            return result
        }
        let start = headerStart + headerLength
        guard bytes.count - start == count * width else {
            throw NpyError.malformed(path: path, reason: "expected \(count * width) data bytes, found \(bytes.count - start)")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + start
            for i in 0..<count {
                let p = base + i * width
                switch descr {
                case "<f4": values[i] = Double(Float(bitPattern: p.loadUnaligned(as: UInt32.self).littleEndian))
                case "<f8": values[i] = Double(bitPattern: p.loadUnaligned(as: UInt64.self).littleEndian)
                case "<i4": values[i] = Double(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
                default: values[i] = Double(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
                }
            }
        }
        return NpyArray(shape: shape, values: values)
    }

    /// The raw text of `'key': value` in a NumPy header dictionary.
    private static func field(_ key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)':") else { return nil }
        var rest = header[keyRange.upperBound...].drop(while: { $0 == " " })
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        if let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) { rest = rest[..<end] }
        return rest.trimmingCharacters(in: .whitespaces)
    }
}
