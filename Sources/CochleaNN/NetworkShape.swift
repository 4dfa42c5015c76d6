/// Sizes of Cochlea's acoustic network: `layers` bidirectional LSTM layers of `hiddenSize` units per
/// direction over `inputSize` features, then a linear layer to `classes` outputs (blank = 0) and a
/// log-softmax. In the shape vocabulary: D = inputSize, H = hiddenSize, C = classes.
public struct NetworkShape: Codable, Equatable, Sendable {
    public var inputSize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var classes: Int

    public init(inputSize: Int, hiddenSize: Int, layers: Int, classes: Int) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.classes = classes
    }

    /// Input width of layer `l`: D for the first, 2H (both directions) above it.
    public func layerInput(_ l: Int) -> Int { l == 0 ? inputSize : 2 * hiddenSize }

    /// Throws unless every size is positive and the parameter count is sane.
    public func validate() throws {
        func fail(_ message: String) -> NetworkShapeError { NetworkShapeError(message: message) }
        guard (1...100_000).contains(inputSize) else { throw fail("input size must be 1 to 100,000, got \(inputSize)") }
        guard (1...16_384).contains(hiddenSize) else { throw fail("hidden size must be 1 to 16,384, got \(hiddenSize)") }
        guard (1...64).contains(layers) else { throw fail("layers must be 1 to 64, got \(layers)") }
        guard (2...100_000).contains(classes) else { throw fail("classes must be 2 to 100,000 (blank and at least one token), got \(classes)") }
        guard ParameterLayout(self).count <= 2_000_000_000 else { throw fail("\(ParameterLayout(self).count) parameters is more than Cochlea handles") }
    }
}

public struct NetworkShapeError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { "invalid network shape: \(message)" }
}

/// Where each named tensor lives in the flat parameter buffer, under PyTorch's names and in
/// PyTorch's order (`lstm.weight_ih_l0`, `lstm.weight_hh_l0`, `lstm.bias_ih_l0`, `lstm.bias_hh_l0`,
/// then `..._reverse`, layer by layer, then `output.weight`, `output.bias`). Gate rows are i, f, g, o.
public struct ParameterLayout: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public let entries: [Entry]
    public let count: Int

    public init(_ shape: NetworkShape) {
        var entries = [Entry]()
        var offset = 0
        func add(_ name: String, _ dims: [Int]) {
            entries.append(Entry(name: name, shape: dims, offset: offset))
            offset += dims.reduce(1, *)
        }
        let h = shape.hiddenSize
        for l in 0..<shape.layers {
            for suffix in ["", "_reverse"] {
                add("lstm.weight_ih_l\(l)\(suffix)", [4 * h, shape.layerInput(l)])
                add("lstm.weight_hh_l\(l)\(suffix)", [4 * h, h])
                add("lstm.bias_ih_l\(l)\(suffix)", [4 * h])
                add("lstm.bias_hh_l\(l)\(suffix)", [4 * h])
            }
        }
        add("output.weight", [shape.classes, 2 * h])
        add("output.bias", [shape.classes])
        self.entries = entries
        self.count = offset
    }

    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// Offsets of layer `l`, direction `d` (0 forward, 1 reverse): weight_ih, weight_hh, bias_ih, bias_hh.
    func lstm(layer l: Int, direction d: Int) -> (ih: Int, hh: Int, biasIH: Int, biasHH: Int) {
        let base = (l * 2 + d) * 4
        return (entries[base].offset, entries[base + 1].offset, entries[base + 2].offset, entries[base + 3].offset)
    }

    var outputWeight: Int { entries[entries.count - 2].offset }
    var outputBias: Int { entries[entries.count - 1].offset }
}
