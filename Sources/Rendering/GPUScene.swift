import CVulkan
import Foundation
import Logging
import Scenes
import ShaderInterface
import VulkanSupport

/// A scene uploaded to the GPU: vertex/index buffers, one BLAS per object
/// (triangles, or an AABB for an analytic sphere), the TLAS, the instance
/// and material tables, and the environment map with its alias table.
public final class GPUScene {
    public let tlas: AccelerationStructure
    let blases: [AccelerationStructure]
    let geometryBuffers: [GPUBuffer]
    let instances: GPUBuffer
    let materials: GPUBuffer
    let envPixels: GPUBuffer
    let envAlias: GPUBuffer
    public let environment: EnvironmentLighting
    public let buildSeconds: Double
    public let triangleCount: Int

    let textureTable: TextureTable
    /// Every layered material's constant registers (LQFrame.materialParameters).
    let materialParameters: GPUBuffer
    let neuralWeights: [GPUBuffer]
    /// Two RGBA16F images per neural material (latent channels 0–3, 4–7), in
    /// the order of the pipeline's binding 1.
    let latentImages: [(GPUImage, GPUSampler)]

    public init(scene: Scene, device: VulkanDevice, materials sceneMaterials: SceneMaterials, logger: Logger) throws {
        let sceneCode = sceneMaterials.code
        let start = Date()
        guard !scene.objects.isEmpty else { throw RenderError("the scene has no objects; add at least one under \"objects\"") }
        var blases: [AccelerationStructure] = []
        var buffers: [GPUBuffer] = []
        var records: [LQInstance] = []
        var tlasInstances: [AccelerationStructure.Instance] = []
        var triangles = 0
        for (index, object) in scene.objects.enumerated() {
            guard scene.materials.indices.contains(object.materialIndex) else {
                throw RenderError("object \(object.name): material index \(object.materialIndex) out of range")
            }
            var record = LQInstance()
            record.materialIndex = UInt32(object.materialIndex)
            let blas: AccelerationStructure
            switch object.shape {
            case let .sphere(center, radius):
                let box: [Float] = [center.x - radius, center.y - radius, center.z - radius,
                                    center.x + radius, center.y + radius, center.z + radius]
                let aabb = try GPUBuffer(device: device, contents: box, usage: AccelerationStructure.inputUsage)
                buffers.append(aabb)
                blas = try AccelerationStructure.bottomLevel(device: device, geometry: .aabbs(buffer: aabb, count: 1))
                record.kind = UInt32(LQ_GEOMETRY_SPHERE)
                record.sphereCenter = LQFloat3(x: center.x, y: center.y, z: center.z)
                record.sphereRadius = radius
            case let .mesh(mesh):
                guard mesh.triangleCount > 0 else { throw RenderError("object \(object.name): mesh has no triangles") }
                let vertices: [LQVertex] = (0..<mesh.positions.count).map { i in
                    let p = mesh.positions[i]
                    let n = i < mesh.normals.count ? mesh.normals[i] : Float3(0, 1, 0)
                    let uv = i < mesh.uvs.count ? mesh.uvs[i] : Float2(0, 0)
                    let t = i < mesh.tangents.count ? mesh.tangents[i] : Float4(1, 0, 0, 1)
                    let uv1 = mesh.uvs1.map { i < $0.count ? $0[i] : uv } ?? uv
                    return LQVertex(position: LQFloat3(x: p.x, y: p.y, z: p.z), normal: LQFloat3(x: n.x, y: n.y, z: n.z),
                                    uv: LQFloat2(x: uv.x, y: uv.y), tangent: LQFloat4(x: t.x, y: t.y, z: t.z, w: t.w),
                                    uv1: LQFloat2(x: uv1.x, y: uv1.y))
                }
                if let bad = mesh.indices.first(where: { Int($0) >= vertices.count }) {
                    throw RenderError("object \(object.name): index \(bad) out of range (\(vertices.count) vertices)")
                }
                let vb = try GPUBuffer(device: device, contents: vertices, usage: AccelerationStructure.inputUsage)
                let ib = try GPUBuffer(device: device, contents: mesh.indices, usage: AccelerationStructure.inputUsage)
                buffers += [vb, ib]
                blas = try AccelerationStructure.bottomLevel(device: device, geometry: .triangles(
                    vertices: vb, vertexCount: vertices.count, vertexStride: MemoryLayout<LQVertex>.stride,
                    indices: ib, triangleCount: mesh.triangleCount))
                record.kind = UInt32(LQ_GEOMETRY_TRIANGLES)
                record.vertices = vb.deviceAddress
                record.indices = ib.deviceAddress
                triangles += mesh.triangleCount
            }
            blases.append(blas)
            records.append(record)
            tlasInstances.append(.init(transform: object.transform.floats, customIndex: UInt32(index),
                                       hitGroupOffset: record.kind, blas: blas))
        }
        tlas = try AccelerationStructure.topLevel(device: device, instances: tlasInstances)
        self.blases = blases
        geometryBuffers = buffers
        triangleCount = triangles
        instances = try GPUBuffer(device: device, contents: records)
        var materialRecords = sceneMaterials.records
        guard materialRecords.count == scene.materials.count else {
            throw RenderError("prepared materials (\(materialRecords.count)) do not match the scene (\(scene.materials.count))")
        }
        var weightBuffers: [GPUBuffer] = []
        var images: [(GPUImage, GPUSampler)] = []
        for binding in sceneMaterials.neural {
            let weights = try GPUBuffer(device: device, contents: binding.weights)
            weightBuffers.append(weights)
            materialRecords[binding.materialIndex].neuralWeights = weights.deviceAddress
            let latents = binding.file.latents
            let sampler = try GPUSampler(device: device, maxLevel: latents.levelCount - 1)
            for half in 0..<2 {
                let levels: [[UInt8]] = latents.levels.map { level in
                    var bytes = [UInt8]()
                    bytes.reserveCapacity(level.texelCount * 8)
                    for texel in 0..<level.texelCount {
                        for channel in 0..<4 {
                            let bits = Float16(level.values[texel * level.channels + half * 4 + channel]).bitPattern
                            bytes.append(UInt8(bits & 0xff)); bytes.append(UInt8(bits >> 8))
                        }
                    }
                    return bytes
                }
                let image = try GPUImage(device: device, format: VK_FORMAT_R16G16B16A16_SFLOAT, bytesPerTexel: 8,
                                         width: latents.width, height: latents.height, levels: levels)
                images.append((image, sampler))
            }
        }
        neuralWeights = weightBuffers
        latentImages = images
        materials = try GPUBuffer(device: device, contents: materialRecords)

        textureTable = try TextureTable(device: device, textures: sceneCode.textures)
        materialParameters = try GPUBuffer(device: device, contents: sceneCode.parameters.isEmpty ? [SIMD4<Float>()] : sceneCode.parameters)
        environment = try EnvironmentLighting.load(scene.environment, logger: logger)
        envPixels = try GPUBuffer(device: device, contents: environment.pixels)
        envAlias = try GPUBuffer(device: device, contents: environment.alias.entries.map {
            LQAliasEntry(q: $0.q, alias: $0.alias, pdf: $0.pdf)
        })
        buildSeconds = Date().timeIntervalSince(start)
    }

    /// Fills the scene part of the frame parameters.
    func fill(_ frame: inout LQFrame) {
        frame.instances = instances.deviceAddress
        frame.materials = materials.deviceAddress
        frame.textures = textureTable.address
        frame.materialParameters = materialParameters.deviceAddress
        frame.envPixels = envPixels.deviceAddress
        frame.envAlias = envAlias.deviceAddress
        let c = environment.constant
        frame.envConstant = LQFloat3(x: c.x, y: c.y, z: c.z)
        frame.envIntensity = environment.intensity
        let radians = environment.rotationDegrees * .pi / 180
        frame.envRotationCos = cos(radians)
        frame.envRotationSin = sin(radians)
        frame.envWidth = UInt32(environment.width)
        frame.envHeight = UInt32(environment.height)
        frame.envKind = UInt32(environment.source == .constant ? LQ_ENV_CONSTANT : LQ_ENV_MAP)
    }
}
