import CochleaAudio
import CochleaTestSupport
import XCTest

final class MixDownTests: XCTestCase {
    func testStereoFloatMixDownMatchesReference() throws {
        let clip = try AudioDecoder.decode(path: Fixtures.path("audio/stereo44k_float.wav"), sampleRate: nil)
        XCTAssertEqual(clip.sampleRate, 44_100)
        XCTAssertEqual(clip.sourceChannels, 2)
        let reference = try Fixtures.npy("audio/stereo44k_float.mono.npy")
        assertClose(clip.samples, reference.values, absolute: 1e-7, relative: 0, "mono mix-down")
    }
}
