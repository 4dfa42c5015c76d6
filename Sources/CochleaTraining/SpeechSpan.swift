import CochleaCore
import Foundation

/// Where a clip's speech lies, in 10 ms windows.
enum SpeechSpan {
    /// The windows (`window` samples each) from the first to the last whose mean square is within
    /// `depth` dB of the loudest window's; nil for a silent clip.
    static func windows(in samples: [Float], window: Int, depth: Double) -> ClosedRange<Int>? {
        let energies = samples.withUnsafeBufferPointer { VectorReductions.windowMeanSquares($0, window: window) }
        guard let loudest = energies.max(), loudest > 0 else { return nil }
        let floor = loudest * pow(10, -depth / 10)
        return energies.firstIndex { $0 >= floor }!...energies.lastIndex { $0 >= floor }!
    }
}
