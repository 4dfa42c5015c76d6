import CochleaFeatures
import Foundation
import XCTest

/// Feature options are saved in every model's config.json.
final class FeatureOptionsCodingTests: XCTestCase {
    /// Every option differs from its default, so one left out of the coding keys would come back as
    /// the default and the comparison would fail.
    func testEveryOptionSurvivesJSON() throws {
        var o = FeatureOptions()
        o.kind = .fbank; o.sampleRate = 8_000; o.frameLengthMs = 20; o.frameShiftMs = 5; o.roundToPowerOfTwo = false
        o.windowType = .hamming; o.blackmanCoeff = 0.4; o.preemphasisCoefficient = 0.9; o.removeDCOffset = false
        o.dither = 0.5; o.ditherSeed = 7; o.snipEdges = false; o.sampleScale = 1; o.numMelBins = 40; o.lowFrequency = 60
        o.highFrequency = -200; o.vtlnWarp = 1.1; o.vtlnLow = 120; o.vtlnHigh = -400; o.numCeps = 20; o.cepstralLifter = 0
        o.useEnergy = false; o.energyFloor = 1; o.rawEnergy = false; o.usePower = false; o.useLogFbank = false
        let json = try JSONEncoder().encode(o)
        XCTAssertEqual(try JSONDecoder().decode(FeatureOptions.self, from: json), o)
    }

    /// Models saved before VTLN existed have no VTLN keys: they load unwarped. Any other key missing
    /// is still an error.
    func testVTLNKeysAreOptionalAndNoOtherIs() throws {
        let full = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(FeatureOptions.kaldiFbank)) as? [String: Any])
        var old = full
        for key in ["vtlnWarp", "vtlnLow", "vtlnHigh"] { old[key] = nil }
        XCTAssertEqual(try JSONDecoder().decode(FeatureOptions.self, from: JSONSerialization.data(withJSONObject: old)), .kaldiFbank)
        for key in full.keys where !key.hasPrefix("vtln") {
            var missing = full
            missing[key] = nil
            XCTAssertThrowsError(try JSONDecoder().decode(FeatureOptions.self, from: JSONSerialization.data(withJSONObject: missing)), key)
        }
        XCTAssertEqual(full.count, 26)
    }
}
