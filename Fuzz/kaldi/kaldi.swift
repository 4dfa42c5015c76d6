// Fuzz target: a Kaldi data directory's wav.scp, text and utt2spk → the dataset loader's Kaldi
// reader. The input is wav.scp, a line "---", text, and optionally another "---" and utt2spk.
// A thrown DatasetError or a listed DatasetProblem is the right answer to bad files; a crash, leak,
// hang or huge allocation is a bug.
@testable import CochleaTraining
import Foundation

let separator = Array("\n---\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let first = bytes.firstRange(of: separator) else { return 0 }
    let wavScp = Data(bytes[..<first.lowerBound])
    let rest = bytes[first.upperBound...]
    let second = rest.firstRange(of: separator)
    let text = Data(second.map { rest[..<$0.lowerBound] } ?? rest)
    let utt2spk = second.map { Data(rest[$0.upperBound...]) }
    guard var dataset = try? KaldiDirectoryReader.parse(
        wavScp: wavScp, text: text, utt2spk: utt2spk, root: "/nonexistent/fuzz", defaultSplit: .train)
    else { return 0 }
    dataset.removeDuplicates()
    return 0
}
