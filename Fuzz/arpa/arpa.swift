// Fuzz target: ARPA language-model text → ARPAReader → scoring a few sentences with the model.
// A thrown ARPAError is the right answer to a bad file; a crash, leak, hang or huge allocation is a bug.
import CochleaDecoding
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let model = try? ARPAReader.parse(data: Data(bytes: data, count: size), name: "fuzz.arpa") else { return 0 }
    // Walk the back-off states: every word, in file order and reversed, and words the model lacks.
    let words = Array(model.vocabulary.prefix(64))
    _ = model.log10Probability(of: words)
    _ = model.log10Probability(of: words.reversed(), end: false)
    _ = model.log10Probability(of: ["<unk>", "never-seen"] + words.prefix(3))
    return 0
}
