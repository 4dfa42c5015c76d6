// Fuzz target: a TSV manifest (header naming path and transcript columns, one utterance a line)
// → the dataset loader's manifest reader → duplicate removal.
// A thrown DatasetError or a listed DatasetProblem is the right answer to a bad manifest; a crash,
// leak, hang or huge allocation is a bug.
@testable import CochleaTraining
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard var dataset = try? ManifestReader.parse(bytes, path: "/nonexistent/fuzz/train.tsv", defaultSplit: .train) else { return 0 }
    dataset.removeDuplicates()
    return 0
}
