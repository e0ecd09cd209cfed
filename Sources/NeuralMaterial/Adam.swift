import Foundation

/// Cosine learning-rate decay from `initial` to `final` over `totalSteps`
/// (PAPER.md: 1e-3 → 1e-4). Steps beyond the end stay at `final`.
public struct CosineSchedule: Codable, Equatable, Sendable {
    public var initial: Double
    public var final: Double
    public var totalSteps: Int

    public init(initial: Double = 1e-3, final: Double = 1e-4, totalSteps: Int) {
        self.initial = initial; self.final = final; self.totalSteps = max(1, totalSteps)
    }

    public func learningRate(step: Int) -> Double {
        let x = min(max(Double(step) / Double(totalSteps), 0), 1)
        return final + 0.5 * (initial - final) * (1 + cos(Double.pi * x))
    }
}

/// Adam (Kingma & Ba) on a flat float32 parameter array, with the paper's
/// β = (0.9, 0.999), ε = 1e-7.
///
/// State is the two moment arrays and the step count — `Codable`, so a
/// checkpoint restores it exactly and a resumed bake continues on the same
/// trajectory. The bias corrections are computed in Double so that step t
/// is bit-identical whether or not the run was interrupted.
public struct AdamOptimizer: Codable, Equatable, Sendable {
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var epsilon: Double = 1e-7
    public private(set) var step: Int = 0
    public private(set) var m: [Float]
    public private(set) var v: [Float]

    public init(parameterCount: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        m = [Float](repeating: 0, count: parameterCount)
        v = [Float](repeating: 0, count: parameterCount)
    }

    public var parameterCount: Int { m.count }

    /// One update: p ← p − lr · m̂ / (√v̂ + ε).
    public mutating func update(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>, learningRate: Double) {
        precondition(parameters.count == m.count && gradients.count == m.count, "Adam: parameter/gradient count mismatch")
        step += 1
        let b1 = Float(beta1), b2 = Float(beta2)
        let c1 = 1 - pow(beta1, Double(step)), c2 = 1 - pow(beta2, Double(step))
        let stepSize = Float(learningRate / c1)
        let invSqrtC2 = Float(1 / c2.squareRoot())
        let eps = Float(epsilon)
        let p = parameters.baseAddress!, g = gradients.baseAddress!
        m.withUnsafeMutableBufferPointer { mp in
            v.withUnsafeMutableBufferPointer { vp in
                let mm = mp.baseAddress!, vv = vp.baseAddress!
                for i in 0..<mp.count {
                    let gi = g[i]
                    let mi = b1 * mm[i] + (1 - b1) * gi
                    let vi = b2 * vv[i] + (1 - b2) * gi * gi
                    mm[i] = mi; vv[i] = vi
                    p[i] -= stepSize * mi / ((vi.squareRoot() * invSqrtC2) + eps)
                }
            }
        }
    }

    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Double) {
        gradients.withUnsafeBufferPointer { g in
            parameters.withUnsafeMutableBufferPointer { update(parameters: $0, gradients: g, learningRate: learningRate) }
        }
    }
}
