import Foundation

/// What one epoch did, as `history.tsv` records it.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    /// Optimiser steps taken so far.
    public var steps: Int
    public var learningRate: Double
    /// Mean CTC loss per training utterance (nats).
    public var trainLoss: Double
    public var validationLoss: Double
    /// Greedy decoding on the validation set.
    public var validationWER: Double
    public var validationCER: Double
    public var seconds: Double
    /// Of `seconds`, the time spent preparing training batches (decoding, augmentation, features)
    /// while the network waited; nil for epochs recorded before it was measured.
    public var preparationSeconds: Double?
    /// Training frames per second of wall time.
    public var framesPerSecond: Double
    /// Batches skipped because their loss or gradient was not finite.
    public var skippedBatches: Int
    /// Training utterances whose target could not fit their frames (loss 0, counted).
    public var infeasible: Int
}

/// `history.tsv` and `history.svg`: the loss and error curves beside the model.
public enum HistoryFiles {
    public static func tsv(_ records: [EpochRecord]) -> String {
        var lines = ["epoch\tsteps\tlearning_rate\ttrain_loss\tvalidation_loss\tvalidation_wer\tvalidation_cer\tseconds\tframes_per_second\tskipped_batches\tinfeasible\tpreparation_seconds"]
        for r in records {
            lines.append([String(r.epoch), String(r.steps), String(format: "%.6g", r.learningRate), String(format: "%.5f", r.trainLoss),
                          String(format: "%.5f", r.validationLoss), String(format: "%.5f", r.validationWER), String(format: "%.5f", r.validationCER),
                          String(format: "%.1f", r.seconds), String(format: "%.0f", r.framesPerSecond), String(r.skippedBatches),
                          String(r.infeasible), r.preparationSeconds.map { String(format: "%.1f", $0) } ?? ""].joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Two panels: training and validation loss; validation WER and CER in percent.
    public static func svg(_ records: [EpochRecord]) -> String {
        let width = 900.0, height = 360.0
        var body = ""
        let epochs = records.map { Double($0.epoch) }
        body += panel(x: 0, title: "CTC loss per utterance", epochs: epochs, series: [
            ("training", "#1f77b4", records.map(\.trainLoss)), ("validation", "#ff7f0e", records.map(\.validationLoss)),
        ])
        body += panel(x: width / 2, title: "validation error rate (%)", epochs: epochs, series: [
            ("WER", "#d62728", records.map { $0.validationWER * 100 }), ("CER", "#2ca02c", records.map { $0.validationCER * 100 }),
        ])
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        \(body)</svg>

        """
    }

    private static func panel(x: Double, title: String, epochs: [Double], series: [(String, String, [Double])]) -> String {
        let left = x + 55, top = 30.0, plotWidth = 380.0, plotHeight = 280.0
        let values = series.flatMap(\.2).filter(\.isFinite)
        let maxY = max(values.max() ?? 1, 1e-9) * 1.05, minX = epochs.first ?? 0, maxX = max(epochs.last ?? 1, minX + 1)
        func px(_ e: Double) -> Double { left + (e - minX) / (maxX - minX) * plotWidth }
        func py(_ v: Double) -> Double { top + plotHeight - v / maxY * plotHeight }
        var svg = "<text x=\"\(left)\" y=\"18\" font-weight=\"bold\">\(title)</text>\n"
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"#888\"/>\n"
        for i in 0...4 {
            let v = maxY * Double(i) / 4
            svg += "<text x=\"\(left - 6)\" y=\"\(py(v) + 4)\" text-anchor=\"end\">\(String(format: v < 10 ? "%.2f" : "%.0f", v))</text>\n"
            svg += "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(py(v))\" y2=\"\(py(v))\" stroke=\"#eee\"/>\n"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight + 30)\" text-anchor=\"middle\">epoch</text>\n"
        svg += "<text x=\"\(left)\" y=\"\(top + plotHeight + 16)\">\(Int(minX))</text><text x=\"\(left + plotWidth)\" y=\"\(top + plotHeight + 16)\" text-anchor=\"end\">\(Int(maxX))</text>\n"
        for (index, (name, color, ys)) in series.enumerated() {
            let points = zip(epochs, ys).filter { $0.1.isFinite }.map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }
            if points.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            } else if let only = points.first {
                let xy = only.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(color)\"/>\n"
            }
            svg += "<text x=\"\(left + plotWidth - 90)\" y=\"\(top + 18 + 16 * Double(index))\" fill=\"\(color)\">\(name)</text>\n"
        }
        return svg
    }
}
