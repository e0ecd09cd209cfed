import CVulkan
import Foundation
import ShaderInterface
import VulkanSupport

/// Runs a small GLSL function over a batch of rows on the GPU, with the
/// scene's generated material code available: the GPU half of the
/// GPU-vs-CPU tests (reference BSDFs, layered materials, neural decoders).
/// `body` defines `void kernelMain(uint row, LQMaterial m)` and uses
/// `kernelInput(row, k)` / `kernelOutput(row, k, value)`.
public final class GPUKernel {
    let renderDevice: RenderDevice
    let pipeline: ComputePipeline
    let textures: TextureTable
    let parameters: GPUBuffer

    public init(renderDevice: RenderDevice, sceneCode: SceneShaderCode = SceneShaderCode(), body: String) throws {
        self.renderDevice = renderDevice
        let base = renderDevice.compiler.cacheDirectory?.appendingPathComponent("generated")
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-generated")
        let include = try sceneCode.writeIncludeDirectory(under: base, extraFiles: ["kernel_body.glsl": body])
        let spirv = try renderDevice.compiler.compile(renderDevice.shaders.url("kernel_harness.comp"), extraIncludeDirectories: [include])
        pipeline = try ComputePipeline(device: renderDevice.device, spirv: spirv, pushConstantSize: MemoryLayout<LQKernelPush>.size)
        textures = try TextureTable(device: renderDevice.device, textures: sceneCode.textures)
        parameters = try GPUBuffer(device: renderDevice.device, contents: sceneCode.parameters.isEmpty ? [SIMD4<Float>()] : sceneCode.parameters)
    }

    /// Runs the kernel on `rows` (row-major, `inputStride` floats each) with
    /// `materials[materialIndex]` and returns `outputStride` floats per row.
    public func run(rows: [Float], inputStride: Int, outputStride: Int,
                    materials: [LQMaterial], materialIndex: Int = 0) throws -> [Float] {
        guard inputStride > 0, outputStride > 0, rows.count % inputStride == 0 else {
            throw RenderError("kernel input of \(rows.count) floats is not a multiple of the row size \(inputStride)")
        }
        let count = rows.count / inputStride
        let device = renderDevice.device
        let input = try GPUBuffer(device: device, contents: rows.isEmpty ? [0] : rows)
        let output = try GPUBuffer(device: device, size: max(count * outputStride, 1) * 4)
        let materialBuffer = try GPUBuffer(device: device, contents: materials.isEmpty ? [LQMaterial()] : materials)
        let push = LQKernelPush(inputRows: input.deviceAddress, outputRows: output.deviceAddress,
                                textures: textures.address, materials: materialBuffer.deviceAddress,
                                materialParameters: parameters.deviceAddress,
                                count: UInt32(count), inputStride: UInt32(inputStride),
                                outputStride: UInt32(outputStride), materialIndex: UInt32(materialIndex))
        try device.submitAndWait { cmd in
            pipeline.recordDispatch(cmd, groups: ((count + 63) / 64, 1, 1), pushConstants: push)
            VulkanDevice.memoryBarrier(cmd, from: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue, VK_ACCESS_SHADER_WRITE_BIT.rawValue,
                                       to: VK_PIPELINE_STAGE_HOST_BIT.rawValue, VK_ACCESS_HOST_READ_BIT.rawValue)
        }
        return try output.read(as: Float.self, count: count * outputStride)
    }
}
