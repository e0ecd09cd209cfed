/// Walker/Vose alias table: O(1) sampling of a discrete distribution on the
/// GPU. Entries keep each item's own probability so the shader can evaluate
/// the pdf of a direction it did not sample (needed for MIS).
public struct AliasTable {
    public struct Entry: Equatable { public var q: Float; public var alias: UInt32; public var pdf: Float }
    public let entries: [Entry]

    /// `weights` must be finite and non-negative; all-zero weights give a uniform table.
    public init(weights: [Double]) {
        let n = weights.count
        precondition(n > 0, "AliasTable needs at least one weight")
        let total = weights.reduce(0, +)
        let probabilities: [Double] = total > 0 ? weights.map { $0 / total } : Array(repeating: 1.0 / Double(n), count: n)
        var scaled = probabilities.map { $0 * Double(n) }
        var q = [Double](repeating: 1, count: n)
        var alias = [UInt32](repeating: 0, count: n)
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.last, let l = large.last {
            small.removeLast()
            q[s] = scaled[s]
            alias[s] = UInt32(l)
            scaled[l] = (scaled[l] + scaled[s]) - 1
            if scaled[l] < 1 { large.removeLast(); small.append(l) }
        }
        for i in large { q[i] = 1; alias[i] = UInt32(i) }
        for i in small { q[i] = 1; alias[i] = UInt32(i) } // numerical leftovers
        entries = (0..<n).map { Entry(q: Float(q[$0]), alias: alias[$0], pdf: Float(probabilities[$0])) }
    }

    /// The probability with which sampling returns each index (for tests).
    public func effectiveProbabilities() -> [Double] {
        let n = Double(entries.count)
        var p = [Double](repeating: 0, count: entries.count)
        for (i, e) in entries.enumerated() {
            p[i] += Double(e.q) / n
            p[Int(e.alias)] += (1 - Double(e.q)) / n
        }
        return p
    }
}
