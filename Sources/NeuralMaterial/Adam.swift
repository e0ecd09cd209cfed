import CTrainingKernels
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

    /// One update: p ← p − lr · m̂ / (√v̂ + ε). Every `isa` gives bit-identical
    /// results (no fused multiply-add in the update; see CTrainingKernels.h).
    public mutating func update(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>, learningRate: Double,
                                isa: TrainingISA = .active) {
        precondition(parameters.count == m.count && gradients.count == m.count, "Adam: parameter/gradient count mismatch")
        step += 1
        let b1 = Float(beta1), b2 = Float(beta2)
        let c1 = 1 - pow(beta1, Double(step)), c2 = 1 - pow(beta2, Double(step))
        let stepSize = Float(learningRate / c1)
        let invSqrtC2 = Float(1 / c2.squareRoot())
        let eps = Float(epsilon)
        guard let p = parameters.baseAddress, let g = gradients.baseAddress else { return }
        m.withUnsafeMutableBufferPointer { mp in
            v.withUnsafeMutableBufferPointer { vp in
                AdamOptimizer.apply(p: p, m: mp.baseAddress!, v: vp.baseAddress!, g: g, count: mp.count,
                                    beta1: b1, beta2: b2, stepSize: stepSize, invSqrtC2: invSqrtC2, epsilon: eps, isa: isa)
            }
        }
    }

    /// The element-wise update on raw arrays (also used for dense latent
    /// textures), dispatched to the ISA's C loop.
    public static func apply(p: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                             g: UnsafePointer<Float>, count: Int, beta1: Float, beta2: Float,
                             stepSize: Float, invSqrtC2: Float, epsilon: Float, isa: TrainingISA = .active) {
        isa.kernel(lq_adam_portable, lq_adam_avx2_fma, lq_adam_avx512)(p, m, v, g, count, beta1, beta2, stepSize, invSqrtC2, epsilon)
    }

    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Double, isa: TrainingISA = .active) {
        gradients.withUnsafeBufferPointer { g in
            parameters.withUnsafeMutableBufferPointer { update(parameters: $0, gradients: g, learningRate: learningRate, isa: isa) }
        }
    }
}
