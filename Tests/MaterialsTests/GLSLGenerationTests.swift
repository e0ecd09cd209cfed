import XCTest
@testable import Materials

/// The generated GLSL compiles (glslc) inside a small compute kernel whose
/// stub `lqTextureFetch` implements MaterialTexture.sample's rule from a buffer.
final class GLSLGenerationTests: XCTestCase {
    static let glslc = "/usr/bin/glslc"

    static let stubFetch = """
    layout(std430, binding = 0) readonly buffer Texels { vec4 texels[]; };
    layout(std430, binding = 1) readonly buffer TexInfo { ivec4 texInfo[]; }; // offset, width, height, wrap (0 repeat, 1 clamp)
    int lqWrapIndex(int i, int n, int wrap) {
        if (wrap == 0) { int m = i % n; return m < 0 ? m + n : m; }
        return clamp(i, 0, n - 1);
    }
    uint lqTextureBase = 0u;
    layout(std430, binding = 3) readonly buffer Parameters { vec4 parameters[]; };
    uint lqParameterBase = 0u;
    vec4 lqParameter(uint i) { return parameters[i]; }
    vec4 lqTextureFetch(uint t, vec2 uv) {
        ivec4 info = texInfo[t];
        float x = clamp(uv.x * float(info.y) - 0.5, -1e7, 1e7);
        float y = clamp(uv.y * float(info.z) - 0.5, -1e7, 1e7);
        float fx0 = floor(x), fy0 = floor(y);
        float fx = x - fx0, fy = y - fy0;
        int ia = lqWrapIndex(int(fx0), info.y, info.w), ib = lqWrapIndex(int(fx0) + 1, info.y, info.w);
        int ja = lqWrapIndex(int(fy0), info.z, info.w), jb = lqWrapIndex(int(fy0) + 1, info.z, info.w);
        vec4 a = texels[info.x + ja * info.y + ia], b = texels[info.x + ja * info.y + ib];
        vec4 c = texels[info.x + jb * info.y + ia], d = texels[info.x + jb * info.y + ib];
        return (a * (1.0 - fx) + b * fx) * (1.0 - fy) + (c * (1.0 - fx) + d * fx) * fy;
    }
    """

    static func kernel(_ generated: [(String, String)]) -> String {
        var src = """
        #version 460
        layout(local_size_x = 64) in;
        const float PI = 3.14159265358979323846;
        const float INV_PI = 0.31830988618379067154;
        #include "microfacet.glsl"
        #include "sampling.glsl"
        struct BsdfSample { vec3 wo; float pdf; vec3 weight; };
        \(stubFetch)
        #include "layered_common.glsl"
        layout(std430, binding = 2) buffer IO { vec4 io[]; };

        """
        for (_, code) in generated { src += code + "\n" }
        src += "void main() {\n    uint i = gl_GlobalInvocationID.x;\n    vec3 wi = io[i * 4u].xyz; vec3 wo = io[i * 4u + 1u].xyz;\n"
        src += "    vec2 uv = io[i * 4u + 2u].xy; vec3 u = io[i * 4u + 3u].xyz;\n    vec4 acc = vec4(0.0);\n"
        for (suffix, _) in generated {
            src += "    acc += vec4(layeredEval_\(suffix)(wi, wo, uv), layeredPdf_\(suffix)(wi, wo, uv));\n"
            src += "    { BsdfSample s = layeredSample_\(suffix)(wi, uv, u); acc += vec4(s.weight, s.pdf) + vec4(s.wo, 0.0); }\n"
            src += "    acc.xyz += layeredAlbedo_\(suffix)(wi, uv);\n"
            src += "    { LayeredContext_\(suffix) c = layeredSetup_\(suffix)(wi, uv); acc += layeredEvalPdfContext_\(suffix)(c, wo);\n"
            src += "      acc += vec4(layeredSampleContext_\(suffix)(c, u).weight + layeredAlbedoContext_\(suffix)(c), 0.0); }\n"
        }
        src += "    io[i * 4u] = acc;\n}\n"
        return src
    }

    func testGeneratedCodeDefinesTheContract() throws {
        let m = try MaterialLoader.loadMaterial(path: TestPaths.material("car_paint.json"))
        let g = generateGLSL(for: m, functionSuffix: "car")
        for name in ["vec3 layeredEval_car(vec3 wi, vec3 wo, vec2 uv)", "float layeredPdf_car(vec3 wi, vec3 wo, vec2 uv)",
                     "BsdfSample layeredSample_car(vec3 wi, vec2 uv, vec3 u)", "vec3 layeredAlbedo_car(vec3 wi, vec2 uv)",
                     "LayeredContext_car layeredSetup_car(vec3 wiIn, vec2 uv)"] {
            XCTAssertTrue(g.source.contains(name), name)
        }
        XCTAssertEqual(g.textures.count, m.textures.count + 4)
        let t = m.textures.count
        XCTAssertTrue(g.source.contains("LqTables(lqTextureBase + \(t)u, lqTextureBase + \(t + 1)u, lqTextureBase + \(t + 2)u, lqTextureBase + \(t + 3)u"),
                      "tables follow the image textures, relative to the material's base")
        XCTAssertFalse(g.source.contains("lqTextureFetch(0u"), "no absolute texture index: the code does not depend on the scene")
    }

    func testEveryBundledMaterialCompiles() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.glslc) else {
            throw XCTSkip("glslc is not installed")
        }
        var generated: [(String, String)] = []
        for (k, name) in TestPaths.bundled.enumerated() {
            let m = try MaterialLoader.loadMaterial(path: TestPaths.material(name))
            let g = generateGLSL(for: m, functionSuffix: "m\(k)")
            generated.append(("m\(k)", g.source))
        }
        let dir = try TempDir()
        let path = try dir.write("kernel.comp", Self.kernel(generated))
        let include = TestPaths.repoRoot + "/Shaders/include"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.glslc)
        p.arguments = ["--target-env=vulkan1.2", "-I", include, "-o", dir.path + "/kernel.spv", path]
        let pipe = Pipe()
        p.standardError = pipe
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "glslc failed:\n\(out.prefix(4000))")
        let spv = FileManager.default.contents(atPath: dir.path + "/kernel.spv")
        XCTAssertGreaterThan(spv?.count ?? 0, 10_000, "SPIR-V was produced")
        if let keep = ProcessInfo.processInfo.environment["LACQUER_KEEP_KERNEL"] {
            try? FileManager.default.copyItem(atPath: path, toPath: keep)
        }
    }
}
