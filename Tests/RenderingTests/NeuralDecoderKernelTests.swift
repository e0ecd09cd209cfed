import Foundation
import NeuralMaterial
@testable import Rendering
import ShaderInterface
import VulkanSupport
import XCTest

/// The GLSL neural decoders (frame layer, BRDF decoder, sampling decoder,
/// mixture pdf and sampling) against the NeuralMaterial CPU oracle on random
/// batches, through the scene dispatch the path tracer uses. Both sides use
/// the same fp16-rounded weights and fp32 arithmetic, so agreement is to
/// float32 rounding (relative 1e-3 here, looser only where the mixture pdf
/// is ill-conditioned: wi·h → 0).
final class NeuralDecoderKernelTests: XCTestCase {
    static func body(_ a: NeuralArchitecture) -> String {
        let s = NeuralShaderCode.suffix(a)   // the generated functions' names
        return """
        void kernelMain(uint row, LQMaterial m) {
            ShadeContext c;
            c.m = m;
            c.uv = vec2(0.0);
            for (uint k = 0u; k < 8u; ++k) c.latent[k] = kernelInput(row, k);
            vec3 wi = vec3(kernelInput(row, 8), kernelInput(row, 9), kernelInput(row, 10));
            vec3 wo = vec3(kernelInput(row, 11), kernelInput(row, 12), kernelInput(row, 13));
            vec3 u = vec3(kernelInput(row, 14), kernelInput(row, 15), kernelInput(row, 16));
            c.levelScale = vec3(1.0);
            NeuralWeightsRef W = NeuralWeightsRef(m.neuralWeights);
            neuralFrameRaw_\(s)(W, c.latent, c.raw);
            c.mixture = neuralSampler_\(s)(W, c.latent, c.raw, wi);
            vec4 fp = sceneEvalPdf(c, wi, wo);
            vec3 f = fp.xyz;
            float p = fp.w;
            float sp;
            vec3 swo = nmSample(c.mixture, wi, u, sp);
            NeuralMixture x = c.mixture;
            BsdfSample bs = sceneSample(c, wi, u);
            float o[18] = float[18](f.x, f.y, f.z, p, swo.x, swo.y, swo.z, sp,
                                    x.alphaX, x.alphaY, x.rho, x.specularMean.x, x.specularMean.y,
                                    x.diffuseMean.x, x.diffuseMean.y, x.specularWeight, x.diffuseWeight,
                                    bs.pdf);
            for (uint k = 0u; k < 18u; ++k) kernelOutput(row, k, o[k]);
        }
        """
    }

    /// Also checks the one horizon rule of the scene dispatch: an eighth of
    /// the rows put wo below the surface, where eval and pdf must be 0 (the
    /// network and mixture alone are not), and a sampled wo below the
    /// surface must come back as a failed sample.
    func testGLSLDecodersMatchTheCPUOracle() throws {
        let device = try RenderDevice(validation: true, logger: RenderTestSupport.logger)
        let sink = ValidationSinkBox(device)
        let halfVector2x32 = NeuralArchitecture(brdfHidden: [32, 32], frameInputs: .withHalfVector)
        // The follow-up paper's 2×16: smooth ReLU, half and difference vectors.
        let followUp2x16 = NeuralArchitecture(brdfHidden: [16, 16], frameInputs: .halfDifference, brdfActivation: .smoothReLU)
        // With the log-stretched half angle as well (the GLSL log against the kernels').
        let logAngle2x16 = NeuralArchitecture(brdfHidden: [16, 16], frameInputs: .halfDifferenceLogAngle, brdfActivation: .smoothReLU)
        for architecture in [NeuralArchitecture.brdf2x16, .brdf2x32, .brdf3x64, halfVector2x32, followUp2x16, logAngle2x16] {
            var rng = PCG32(seed: 7)
            var parameters = DecoderParameters.initialised(architecture: architecture, seed: 11)
            // Perturb every weight so the outputs are far from the initial, near-trivial ones.
            for i in parameters.values.indices { parameters.values[i] += 0.25 * (rng.nextFloat() * 2 - 1) }
            let decoders = NeuralDecoders(parameters: parameters) // fp16-rounded weights, as the GPU sees them (packed)
            let code = SceneShaderCode(neural: [architecture])
            let kernel = try GPUKernel(renderDevice: device, sceneCode: code, body: Self.body(architecture))
            let weights = try GPUBuffer(device: device.device, contents: PackedDecoderWeights(architecture: architecture).pack(parameters))
            var material = LQMaterial()
            material.kind = UInt32(LQ_MATERIAL_NEURAL)
            material.codeIndex = 0
            material.neuralWeights = weights.deviceAddress

            let n = 2000
            var rows: [Float] = []
            var cases: [(latent: [Float], wi: SIMD3<Float>, wo: SIMD3<Float>, u: SIMD3<Float>)] = []
            func direction(upper: Bool) -> SIMD3<Float> {
                let z = upper ? rng.nextFloat() : rng.nextFloat() * 2 - 1
                let phi = 2 * Float.pi * rng.nextFloat()
                let r = (max(0, 1 - z * z)).squareRoot()
                return SIMD3(r * cos(phi), r * sin(phi), z)
            }
            for r in 0..<n {
                let latent = (0..<8).map { _ in rng.nextFloat() * 4 - 2 }
                let wi = direction(upper: true), wo = direction(upper: r % 4 != 0) // every 4th row: wo anywhere, half of them below
                let u = SIMD3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat())
                cases.append((latent, wi, wo, u))
                rows += latent + [wi.x, wi.y, wi.z, wo.x, wo.y, wo.z, u.x, u.y, u.z]
            }
            let out = try kernel.run(rows: rows, inputStride: 17, outputStride: 18, materials: [material])
            var checkedSamples = 0, belowHorizon = 0, sampledBelow = 0
            for (r, c) in cases.enumerated() {
                let o = Array(out[(r * 18)..<(r * 18 + 18)])
                if c.wo.z <= 0 {
                    belowHorizon += 1
                    XCTAssertEqual(Array(o[0..<4]), [0, 0, 0, 0], "\(architecture) row \(r): wo below the surface must give no light and no density")
                } else {
                    let f = decoders.evalBRDFScalar(latent: c.latent, wi: c.wi, wo: c.wo)
                    for k in 0..<3 {
                        XCTAssertEqual(o[k], f[k], accuracy: 1e-3 * f[k] + 1e-6, "\(architecture) BRDF row \(r)")
                    }
                }
                let sampler = decoders.samplerScalar(latent: c.latent, wi: c.wi)
                let params = sampler.distribution.parameters.array
                for k in 0..<9 {
                    XCTAssertEqual(o[8 + k], params[k], accuracy: 1e-3 * abs(params[k]) + 1e-5, "\(architecture) mixture parameter \(k) row \(r)")
                }
                if c.wo.z > 0 {
                    let pdf = sampler.pdf(wi: c.wi, wo: c.wo)
                    XCTAssertEqual(o[3], pdf, accuracy: 2e-3 * pdf + 1e-5, "\(architecture) pdf row \(r)")
                }
                let s = sampler.sample(wi: c.wi, u: c.u)
                if s.wo.z < -1e-3 {
                    sampledBelow += 1
                    XCTAssertEqual(o[17], 0, "\(architecture) row \(r): a sample below the surface must fail")
                } else if s.wo.z > 1e-3 {
                    XCTAssertEqual(o[17], o[7], accuracy: 1e-6 * o[7] + 1e-7, "\(architecture) sceneSample pdf row \(r)")
                }
                let h = c.wi + s.wo
                let conditioned = (h * h).sum() > 1e-2 // wo ≈ −wi: pdf ill-conditioned, skip
                if conditioned {
                    checkedSamples += 1
                    for k in 0..<3 { XCTAssertEqual(o[4 + k], s.wo[k], accuracy: 2e-3, "\(architecture) sampled wo row \(r)") }
                    XCTAssertEqual(o[7], s.pdf, accuracy: 5e-3 * s.pdf + 1e-4, "\(architecture) sampled pdf row \(r)")
                }
            }
            XCTAssertGreaterThan(checkedSamples, n * 9 / 10)
            XCTAssertGreaterThan(belowHorizon, n / 10)
            XCTAssertGreaterThan(sampledBelow, 0, "the perturbed mixtures should put some samples below the surface")
        }
        XCTAssertEqual(sink.messages(), [])
    }
}
