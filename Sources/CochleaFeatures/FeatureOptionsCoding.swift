extension FeatureOptions {
    enum CodingKeys: String, CodingKey {
        case kind, sampleRate, frameLengthMs, frameShiftMs, roundToPowerOfTwo, windowType, blackmanCoeff
        case preemphasisCoefficient, removeDCOffset, dither, ditherSeed, snipEdges, sampleScale
        case numMelBins, lowFrequency, highFrequency, vtlnWarp, vtlnLow, vtlnHigh
        case numCeps, cepstralLifter, useEnergy, energyFloor, rawEnergy, usePower, useLogFbank
    }

    /// Every option is required except the VTLN ones, which came after models had been saved
    /// without them; absent, they are Kaldi's defaults (no warping).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        kind = try c.decode(FeatureKind.self, forKey: .kind)
        sampleRate = try c.decode(Int.self, forKey: .sampleRate)
        frameLengthMs = try c.decode(Double.self, forKey: .frameLengthMs)
        frameShiftMs = try c.decode(Double.self, forKey: .frameShiftMs)
        roundToPowerOfTwo = try c.decode(Bool.self, forKey: .roundToPowerOfTwo)
        windowType = try c.decode(WindowType.self, forKey: .windowType)
        blackmanCoeff = try c.decode(Double.self, forKey: .blackmanCoeff)
        preemphasisCoefficient = try c.decode(Double.self, forKey: .preemphasisCoefficient)
        removeDCOffset = try c.decode(Bool.self, forKey: .removeDCOffset)
        dither = try c.decode(Double.self, forKey: .dither)
        ditherSeed = try c.decode(UInt64.self, forKey: .ditherSeed)
        snipEdges = try c.decode(Bool.self, forKey: .snipEdges)
        sampleScale = try c.decode(Double.self, forKey: .sampleScale)
        numMelBins = try c.decode(Int.self, forKey: .numMelBins)
        lowFrequency = try c.decode(Double.self, forKey: .lowFrequency)
        highFrequency = try c.decode(Double.self, forKey: .highFrequency)
        vtlnWarp = try c.decodeIfPresent(Double.self, forKey: .vtlnWarp) ?? vtlnWarp
        vtlnLow = try c.decodeIfPresent(Double.self, forKey: .vtlnLow) ?? vtlnLow
        vtlnHigh = try c.decodeIfPresent(Double.self, forKey: .vtlnHigh) ?? vtlnHigh
        numCeps = try c.decode(Int.self, forKey: .numCeps)
        cepstralLifter = try c.decode(Double.self, forKey: .cepstralLifter)
        useEnergy = try c.decode(Bool.self, forKey: .useEnergy)
        energyFloor = try c.decode(Double.self, forKey: .energyFloor)
        rawEnergy = try c.decode(Bool.self, forKey: .rawEnergy)
        usePower = try c.decode(Bool.self, forKey: .usePower)
        useLogFbank = try c.decode(Bool.self, forKey: .useLogFbank)
    }
}
