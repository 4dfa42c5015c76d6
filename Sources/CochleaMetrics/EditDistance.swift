/// What one step of an alignment does to the reference.
enum EditKind: UInt8, Sendable {
    case match, substitution, deletion, insertion
}

/// One step of an integer alignment. `referenceIndex` and `hypothesisIndex` are token positions;
/// the side a step does not touch holds the position of the next token on that side.
struct EditStep: Hashable, Sendable {
    var kind: EditKind
    var referenceIndex: Int
    var hypothesisIndex: Int
}

extension EditCounts {
    mutating func record(_ kind: EditKind) {
        switch kind {
        case .match: hits += 1
        case .substitution: substitutions += 1
        case .deletion: deletions += 1
        case .insertion: insertions += 1
        }
    }
}

/// The plain, obviously correct edit distance that `LevenshteinWorkspace` is tested against: a full
/// (n+1)×(m+1) table of `Int` in an array of arrays, no tricks beyond the two that define which of
/// several minimum alignments is returned, both taken from RapidFuzz (and so jiwer 4):
///
/// 1. The common prefix and suffix are matched first, outside the table.
/// 2. Tracing back from the end, a deletion is taken whenever it is optimal; otherwise an insertion
///    when the cell to its left beats the diagonal one (D[i][j-1] < D[i-1][j-1]); otherwise the
///    diagonal (a match or a substitution).
///
/// Costs are 1 for every substitution, deletion and insertion.
enum ReferenceLevenshtein {
    static func align<Token: Equatable>(_ reference: [Token], _ hypothesis: [Token]) -> [EditStep] {
        var prefix = 0
        while prefix < reference.count, prefix < hypothesis.count, reference[prefix] == hypothesis[prefix] {
            prefix += 1
        }
        var suffix = 0
        while suffix < reference.count - prefix, suffix < hypothesis.count - prefix,
              reference[reference.count - 1 - suffix] == hypothesis[hypothesis.count - 1 - suffix] {
            suffix += 1
        }
        let ref = Array(reference[prefix..<(reference.count - suffix)])
        let hyp = Array(hypothesis[prefix..<(hypothesis.count - suffix)])
        let n = ref.count, m = hyp.count

        var distance = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in 0...n { distance[i][0] = i }
        for j in 0...m { distance[0][j] = j }
        if n > 0 && m > 0 {
            for i in 1...n {
                for j in 1...m {
                    let substitutionCost = ref[i - 1] == hyp[j - 1] ? 0 : 1
                    distance[i][j] = min(
                        distance[i - 1][j] + 1, distance[i][j - 1] + 1, distance[i - 1][j - 1] + substitutionCost)
                }
            }
        }

        var backwards = [EditStep]()
        var i = n, j = m
        while i > 0 || j > 0 {
            if i > 0 && (j == 0 || distance[i][j] == distance[i - 1][j] + 1) {
                i -= 1
                backwards.append(EditStep(kind: .deletion, referenceIndex: prefix + i, hypothesisIndex: prefix + j))
            } else if i == 0 || distance[i][j - 1] < distance[i - 1][j - 1] {
                j -= 1
                backwards.append(EditStep(kind: .insertion, referenceIndex: prefix + i, hypothesisIndex: prefix + j))
            } else {
                i -= 1
                j -= 1
                let kind: EditKind = ref[i] == hyp[j] ? .match : .substitution
                backwards.append(EditStep(kind: kind, referenceIndex: prefix + i, hypothesisIndex: prefix + j))
            }
        }

        var steps = (0..<prefix).map { EditStep(kind: .match, referenceIndex: $0, hypothesisIndex: $0) }
        steps += backwards.reversed()
        for k in 0..<suffix {
            steps.append(EditStep(kind: .match, referenceIndex: prefix + n + k, hypothesisIndex: prefix + m + k))
        }
        return steps
    }
}
