import CTrainingKernels

/// BRDF loss: L1 in log space (PAPER.md "BRDF loss").
///
/// **Decision:** ℓ = mean over rows and RGB of |log(y + ε) − log(t + ε)|
/// with ε = `offset` = 0.01. Cosine-weighted BRDF values span ~1e-4
/// (grazing, rough) to ~1e3 (sharp highlights); log compresses that range
/// so highlights do not own the gradient. The offset must be small compared
/// with the diffuse-like values (~0.01–0.3) a layered material spends most
/// directions on: with offset 1 (log1p) those are weighted like plain L1 and
/// a bake can drop a whole base layer to fit the coat's highlight (measured:
/// a car paint's base came out 1e-17 instead of 0.08). ε only keeps
/// near-black values from amplifying noise.
/// Gradient: sign(log(y+ε) − log(t+ε)) / ((y + ε)·N), with sign(0) = 0.
public enum LogL1Loss {
    /// ε of the log; the bakers' validation metric uses the same value.
    public static let offset = 0.01

    /// Returns the mean loss and writes dL/dy (same count as `prediction`).
    @discardableResult
    public static func forwardBackward<T: NMReal>(prediction y: UnsafePointer<T>, target t: UnsafePointer<T>, count: Int,
                                                   gradient: UnsafeMutablePointer<T>?, scale: T = 1) -> T {
        guard count > 0 else { return 0 }
        let inv = scale / T(count)
        var sum: T = 0
        for i in 0..<count {
            let yi = max(y[i], 0), ti = max(t[i], 0)
            let eps = T(Self.offset)
            let d = T.nmLog(yi + eps) - T.nmLog(ti + eps)
            sum += abs(d)
            if let gradient {
                let s: T = d > 0 ? 1 : (d < 0 ? -1 : 0)
                gradient[i] = y[i] >= 0 ? s * inv / (yi + eps) : 0
            }
        }
        return sum * inv
    }

    public static func forwardBackward<T: NMReal>(prediction: [T], target: [T]) -> (loss: T, gradient: [T]) {
        precondition(prediction.count == target.count)
        var g = [T](repeating: 0, count: prediction.count)
        let l = prediction.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                g.withUnsafeMutableBufferPointer { forwardBackward(prediction: p.baseAddress!, target: t.baseAddress!, count: p.count, gradient: $0.baseAddress!) }
            }
        }
        return (l, g)
    }
}

extension LogL1Loss {
    /// `forwardBackward` for a training chunk of Float rows, in C
    /// (`Sources/CTrainingKernels/LogL1Loss.c`): the gradient is vector code
    /// with the sign taken from y − t (log is monotonic) instead of two
    /// logarithms per element; the loss value takes one logarithm of the
    /// ratio (a 16-lane polynomial within 1 ulp of logf).
    /// Same results on every path; equal to the generic definition up to
    /// the rounding of the logarithms (`LogL1LossKernelTests`).
    public static func trainingChunk(prediction y: UnsafePointer<Float>, target t: UnsafePointer<Float>, count: Int,
                                     gradient: UnsafeMutablePointer<Float>, scale: Float, isa: TrainingISA = .active) -> Float {
        guard count > 0 else { return 0 }
        let inv = scale / Float(count), eps = Float(offset)
        return isa.kernel(lq_log_l1_portable, lq_log_l1_avx2_fma, lq_log_l1_avx512)(y, t, count, eps, inv, gradient)
    }
}

/// Sampler loss: KL divergence from the (normalised) learned BRDF to the
/// sampler's pdf, estimated by importance sampling (PAPER.md "Sampler loss").
///
/// For a fixed wi let p(wo) = f̂(wo)/F with f̂ the luminance of the BRDF
/// decoder's f·|cos θo| and F = ∫f̂. Then
///     KL(p‖q) = E_p[log p] − E_p[log q],
/// and only the cross-entropy −E_p[log q] depends on the sampler. With wo_j
/// drawn from any proposal r that covers p (the baker's choice, e.g. a
/// 50/50 mixture of the current sampler and uniform-sphere directions) and
/// weights w_j = f̂(wo_j)/r(wo_j), **detached** (no gradient into the BRDF
/// decoder or the latents),
///
///     ℓ = −Σ_j w_j log q(wo_j) / Σ_j w_j          (self-normalised over the batch)
///
/// is a consistent estimator of the albedo-weighted cross-entropy
/// Σ_wi F(wi)·(−E_p[log q]) / Σ F; its gradient equals that of the
/// albedo-weighted KL. Self-normalising makes the loss scale-free (the BRDF
/// scale cancels) so one learning rate suits every material. q is clamped
/// to ≥ `minPdf` so an unreachable direction gives a large finite loss.
/// dℓ/dq_j = −w_j / (q_j Σw).
public enum SamplerKLLoss {
    public static let minPdf = 1e-12

    /// - Returns: loss; writes dℓ/dq per sample into `dPdf`.
    @discardableResult
    /// - Parameter weightSum: Σw over the *whole* batch when this call sees one
    ///   shard of it (the shard losses then add up to the batch loss); nil = this call's Σw.
    public static func forwardBackward<T: NMReal>(pdf q: UnsafePointer<T>, weights w: UnsafePointer<T>, count: Int,
                                                   dPdf: UnsafeMutablePointer<T>?, weightSum: T? = nil) -> T {
        var wsum: T = 0
        if let weightSum { wsum = weightSum } else { for j in 0..<count { wsum += max(w[j], 0) } }
        guard wsum > 0 else {
            if let dPdf { for j in 0..<count { dPdf[j] = 0 } }
            return 0
        }
        var loss: T = 0
        let floor = T(minPdf)
        for j in 0..<count {
            let wj = max(w[j], 0)
            let qj = max(q[j], floor)
            loss -= wj * T.nmLog(qj)
            if let dPdf { dPdf[j] = q[j] > floor ? -wj / (qj * wsum) : 0 }
        }
        return loss / wsum
    }

    public static func forwardBackward<T: NMReal>(pdf: [T], weights: [T]) -> (loss: T, gradient: [T]) {
        precondition(pdf.count == weights.count)
        var g = [T](repeating: 0, count: pdf.count)
        let l = pdf.withUnsafeBufferPointer { p in
            weights.withUnsafeBufferPointer { w in
                g.withUnsafeMutableBufferPointer { forwardBackward(pdf: p.baseAddress!, weights: w.baseAddress!, count: p.count, dPdf: $0.baseAddress!) }
            }
        }
        return (l, g)
    }
}
