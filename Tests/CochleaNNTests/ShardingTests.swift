import CochleaCore
import CochleaNN
import CochleaTestSupport
import XCTest

/// What training split over processes needs from the network: dropout masks that follow an
/// utterance rather than its batch, and gradient slices reported in backward order.
final class ShardingTests: XCTestCase {
    let shape = NetworkShape(inputSize: 5, hiddenSize: 4, layers: 3, classes: 6)

    func input(frames: Int, batch: Int, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<(frames * batch * shape.inputSize)).map { _ in random.nextGaussian() }
    }

    /// Member `row` of a batch gets the same dropout mask whether it shares the batch with others
    /// or not, so a rank holding a share of a global batch draws what one process would.
    func testDropoutRowsFollowTheUtteranceNotTheBatch() {
        let network = AcousticNetwork<Double>(shape: shape, seed: 3)
        network.dropout = 0.5
        network.threads = 1
        let frames = 6, pair = input(frames: frames, batch: 2, seed: 1)
        let classes = shape.classes, dims = shape.inputSize
        /// Member 1 of a [T, 2, width] array, as [T, 1, width].
        func second(_ values: [Double], width: Int) -> [Double] {
            var out = [Double]()
            for t in 0..<frames {
                let start: Int = (t * 2 + 1) * width
                out += values[start..<(start + width)]
            }
            return out
        }
        let alone = second(pair, width: dims)
        let together = pair.withUnsafeBufferPointer { x in
            Array(UnsafeBufferPointer(start: network.forward(input: x.baseAddress!, steps: frames, batch: 2, lengths: [frames, frames],
                                                             training: true, dropoutSeed: 9, dropoutRows: [0, 1]), count: frames * 2 * classes))
        }
        func single(row: Int) -> [Double] {
            alone.withUnsafeBufferPointer { x in
                Array(UnsafeBufferPointer(start: network.forward(input: x.baseAddress!, steps: frames, batch: 1, lengths: [frames],
                                                                 training: true, dropoutSeed: 9, dropoutRows: [row]), count: frames * classes))
            }
        }
        let member = second(together, width: classes)
        assertClose(single(row: 1), member, absolute: 1e-12, relative: 0, "row 1 alone vs in the pair")
        XCTAssertGreaterThan(zip(single(row: 0), member).map { abs($0 - $1) }.max()!, 1e-3, "another row draws another mask")
    }

    /// backward hands over the top layer with the output layer, then each layer below, once each,
    /// and never touches a slice after handing it over.
    func testGradientSlicesComeInBackwardOrderAndCoverTheBufferOnce() {
        let network = AcousticNetwork<Double>(shape: shape, seed: 4)
        network.threads = 1
        let slices = network.reductionSlices
        XCTAssertEqual(slices.count, shape.layers)
        XCTAssertEqual(slices.last?.lowerBound, 0)
        XCTAssertEqual(slices.first?.upperBound, network.layout.count)
        for (upper, lower) in zip(slices, slices.dropFirst()) { XCTAssertEqual(lower.upperBound, upper.lowerBound) }

        let frames = 5, x = input(frames: frames, batch: 2, seed: 2)
        let weights = (0..<(frames * 2 * shape.classes)).map { Double($0 % 7) - 3 }
        func gradients(snapshot: Bool) -> (final: [Double], atHandOver: [Double], order: [Range<Int>]) {
            network.zeroGradients()
            var atHandOver = [Double](repeating: .nan, count: network.layout.count), order = [Range<Int>]()
            x.withUnsafeBufferPointer { input in
                let lp = network.forward(input: input.baseAddress!, steps: frames, batch: 2, lengths: [frames, 3])
                let g = weightedLossLogitGradient(lp, weights, steps: frames, batch: 2, classes: shape.classes, lengths: [frames, 3])
                network.backward(logitGradient: g, gradientsReady: snapshot ? { range in
                    order.append(range)
                    for i in range { atHandOver[i] = network.gradients[i] }
                } : nil)
            }
            return (network.gradientValues, atHandOver, order)
        }
        let plain = gradients(snapshot: false), reported = gradients(snapshot: true)
        XCTAssertEqual(reported.order, slices)
        XCTAssertEqual(reported.atHandOver, plain.final, "each slice was final when handed over")
        XCTAssertEqual(reported.final, plain.final)
    }
}
