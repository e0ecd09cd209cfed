import ShaderInterface
import VulkanSupport

/// The textures of the generated material code on the GPU: one buffer of
/// texels per texture and the LQTexture table that indexes them.
final class TextureTable {
    let texels: [GPUBuffer]
    let table: GPUBuffer
    var address: UInt64 { table.deviceAddress }

    init(device: VulkanDevice, textures: [SceneShaderCode.Texture]) throws {
        var buffers: [GPUBuffer] = []
        var records: [LQTexture] = []
        for (index, t) in textures.enumerated() {
            guard t.width > 0, t.height > 0, t.pixels.count == t.width * t.height else {
                throw RenderError("generated material texture \(index) is malformed (\(t.width)×\(t.height), \(t.pixels.count) texels)")
            }
            let buffer = try GPUBuffer(device: device, contents: t.pixels)
            buffers.append(buffer)
            records.append(LQTexture(texels: buffer.deviceAddress, width: UInt32(t.width), height: UInt32(t.height),
                                     wrap: UInt32(t.clamp ? LQ_WRAP_CLAMP : LQ_WRAP_REPEAT), pad0: 0))
        }
        texels = buffers
        table = try GPUBuffer(device: device, contents: records.isEmpty ? [LQTexture()] : records)
    }
}
