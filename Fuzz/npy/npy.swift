// Fuzz target: .npy bytes (the feature cache's files) → Npy.decode.
// A thrown NpyError is the right answer to a bad file; a crash, leak, hang or huge allocation is a bug.
import CochleaCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? Npy.decode(Data(bytes: data, count: size), path: "fuzz.npy")
    return 0
}
