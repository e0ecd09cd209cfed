/// The sampling distribution for one shading point: the learned frame 1 plus
/// the mixture parameters decoded for (latent, wi).
///
/// **Decision (sampling frame):** sampling happens in learned frame 1, the
/// first frame of the BRDF decoder's frame layer, and the sampling decoder
/// receives wi *expressed in frame 1* (not in the shading frame). The GGX
/// lobe's natural parameters (mean slope, anisotropy axes) then live in the
/// same frame as the learned shading normal the BRDF decoder uses, so the
/// sampler does not have to re-learn the normal map. The frame is shared
/// and *owned by the BRDF decoder*: the sampler's loss does not update the
/// frame layer (it is detached, like the latents).
///
/// Because (t, b, n) is orthonormal (Gram–Schmidt, see `FrameLayer`) the
/// frame change is a rotation and pdfs carry over unchanged.
public struct NeuralSampler<T: NMReal>: Equatable, Sendable {
    public var frame: ShadingFrame<T>
    public var distribution: MixtureDistribution<T>

    public init(frame: ShadingFrame<T>, distribution: MixtureDistribution<T>) {
        self.frame = frame
        self.distribution = distribution
    }

    /// pdf per solid angle of wo (shading frame).
    @inline(__always)
    public func pdf(wi: SIMD3<T>, wo: SIMD3<T>) -> T {
        distribution.pdf(wi: frame.toLocal(wi), wo: frame.toLocal(wo))
    }

    /// Samples wo (shading frame) with three uniforms; returns wo and its mixture pdf.
    @inline(__always)
    public func sample(wi: SIMD3<T>, u: SIMD3<T>) -> (wo: SIMD3<T>, pdf: T) {
        let s = distribution.sample(wi: frame.toLocal(wi), u: u)
        return (normalize3(frame.toShading(s.wo)), s.pdf)
    }
}
