import CochleaCore
@testable import CochleaDecoding
import Foundation
import XCTest

final class KneserNeyTests: XCTestCase {
    func model(_ sentences: [[String]], order: Int) throws -> NGramLanguageModel {
        var builder = KneserNeyBuilder(order: order)
        for sentence in sentences { builder.add(sentence) }
        return try ARPAReader.parse(data: Data(builder.estimate().arpa().utf8), name: "kn.arpa")
    }

    /// Worked by hand from the formulas (Chen & Goodman's interpolated Kneser-Ney) for the two
    /// sentences "a" and "a b":
    /// unigram continuation counts a 1, b 1, </s> 2, <unk> 0, so D1 = n1/(n1+2n2) = 2/4, A = 4,
    /// γ = 0.5·3/4 = 0.375, uniform 1/4: p(a) = p(b) = 0.5/4 + 0.09375 = 0.21875, p(</s>) = 0.46875,
    /// p(<unk>) = 0.09375. Bigram counts <s> a 2, a </s> 1, a b 1, b </s> 1, so D2 = 3/5;
    /// γ(<s>) = 0.6·1/2 = 0.3, γ(a) = 0.6·2/2 = 0.6, γ(b) = 0.6: p(a|<s>) = 1.4/2 + 0.3·0.21875 =
    /// 0.765625, p(</s>|a) = 0.4/2 + 0.6·0.46875 = 0.48125, p(b|a) = 0.2 + 0.6·0.21875 = 0.33125,
    /// p(</s>|b) = 0.4 + 0.28125 = 0.68125.
    func testATinyBigramModelMatchesTheFormulasWorkedByHand() throws {
        var builder = KneserNeyBuilder(order: 2)
        builder.add(["a"])
        builder.add(["a", "b"])
        let estimate = builder.estimate()
        XCTAssertEqual(estimate.discounts[0], 0.5, accuracy: 1e-12)
        XCTAssertEqual(estimate.discounts[1], 0.6, accuracy: 1e-12)
        let lm = try ARPAReader.parse(data: Data(estimate.arpa().utf8), name: "kn.arpa")
        XCTAssertEqual(lm.counts, [5, 4])
        let expected: [(String, [String], Double)] = [
            ("a", [], 0.21875), ("b", [], 0.21875), ("</s>", [], 0.46875), ("<unk>", [], 0.09375),
            ("a", ["<s>"], 0.765625), ("</s>", ["a"], 0.48125), ("b", ["a"], 0.33125), ("</s>", ["b"], 0.68125),
            // Unseen: the history's γ times the unigram.
            ("b", ["<s>"], 0.3 * 0.21875), ("a", ["b"], 0.6 * 0.21875), ("a", ["a"], 0.6 * 0.21875),
        ]
        for (word, history, p) in expected {
            let logP = probability(lm, word, after: history)
            XCTAssertEqual(logP, log10(p), accuracy: 2e-6, "p(\(word) | \(history))")
        }
    }

    /// log10 p(word | history), walking the model's states from the empty history (or from <s>).
    func probability(_ lm: NGramLanguageModel, _ word: String, after history: [String]) -> Double {
        var state: Int32 = 0
        for (i, w) in history.enumerated() {
            if i == 0 && w == "<s>" { state = lm.beginState; continue }
            state = lm.score(state: state, word: lm.wordIDs[w]).next
        }
        return Double(lm.score(state: state, word: lm.wordIDs[word]).log10)
    }

    /// For every history, seen or not, of up to order − 1 words, the probabilities of the whole
    /// vocabulary (without <s>) sum to 1: discounted mass is exactly what backing off hands down.
    func testEveryHistorySumsToOne() throws {
        var random = SeededRandom(seed: 11)
        let vocabulary = ["yes", "no", "up", "down", "go", "stop"]
        for order in 1...4 {
            let sentences = (0..<60).map { _ in (0..<(1 + Int(random.next() % 5))).map { _ in vocabulary[Int(random.next() % 4) + (random.next() % 5 == 0 ? 2 : 0)] } }
            let lm = try model(sentences, order: order)
            XCTAssertEqual(lm.order, order)
            let predicted = lm.vocabulary.filter { $0 != "<s>" }
            XCTAssertEqual(Set(predicted), Set(vocabulary + ["</s>", "<unk>"]))
            var histories: [[String]] = [[], ["<s>"]]
            var frontier = histories
            for _ in 0..<max(0, order - 1) {
                frontier = frontier.flatMap { h in (vocabulary + ["</s>"]).map { h + [$0] } }.filter { $0.count < order }
                histories += frontier
            }
            for history in histories where history.count < max(order, 1) {
                let total = predicted.reduce(0.0) { $0 + pow(10, probability(lm, $1, after: history)) }
                XCTAssertEqual(total, 1, accuracy: 2e-5, "order \(order), history \(history)")
            }
        }
    }

    /// What the sentences say most often is most probable, and never-seen words still get some mass.
    func testFrequentContinuationsAreMoreProbable() throws {
        let lm = try model(Array(repeating: ["turn", "on"], count: 9) + [["turn", "off"]], order: 3)
        XCTAssertGreaterThan(probability(lm, "on", after: ["<s>", "turn"]), probability(lm, "off", after: ["<s>", "turn"]))
        let unknown = probability(lm, "<unk>", after: ["<s>", "turn"])
        XCTAssertTrue(unknown.isFinite && unknown < -1, "\(unknown)")
    }
}
