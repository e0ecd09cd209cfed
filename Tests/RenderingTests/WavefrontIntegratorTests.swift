import Foundation
import Imaging
@testable import Rendering
import Scenes
import ShaderInterface
import XCTest

/// The wavefront integrator (`--integrator wavefront`) on its own: energy in
/// the white furnace (edge tiles included), the three light-transport
/// strategies agree, the counting sort by material equals a CPU sort of the
/// same hits, and the combinations it cannot run are refused in plain words.
/// Bit-for-bit agreement with the megakernel: IntegratorAgreementTests.
final class WavefrontIntegratorTests: XCTestCase {
    /// The device, or nil (with a note) where it has no ray queries.
    private func rayQueryDevice() throws -> RenderDevice? {
        let device = try RenderDevice(validation: true, logger: RenderTestSupport.logger)
        guard device.device.supportsRayQuery else {
            XCTAssertThrowsError(try PathTracer(renderDevice: device, tracing: .auto, integrator: .wavefront)) { error in
                XCTAssertTrue("\(error)".contains("VK_KHR_ray_query"), "\(error)")
            }
            print("note: \(device.deviceName) has no VK_KHR_ray_query: checked the wavefront's refusal only")
            return nil
        }
        return device
    }

    /// LightTransportTests' scene (its test environment) through the
    /// wavefront at 36 × 28 (not a multiple of the 8×8 tiles), validated.
    private func renderLightTransportScene(_ adjust: (inout RenderSettings) -> Void) throws -> RenderOutput {
        let env = try LightTransportTests.writeTestEnvironment()
        defer { try? FileManager.default.removeItem(atPath: env) }
        return try RenderTestSupport.renderValidated(LightTransportTests.scene(envPath: env), integrator: .wavefront) { s in
            s.width = 36; s.height = 28
            adjust(&s)
        }
    }

    func testWavefrontFurnaceConvergesToOneEverywhere() throws {
        guard try rayQueryDevice() != nil else { return }
        let scene = try SceneLoader.load(path: RenderTestSupport.asset("Assets/Scenes/furnace.json"))
        let output = try RenderTestSupport.renderValidated(scene, integrator: .wavefront) { s in
            s.width = 36; s.height = 28   // not multiples of the 8×8 tiles: holes in queue 0
            s.samplesPerPixel = 128
            s.aovs = [.albedo, .normal, .depth]
        }
        try RenderTestSupport.assertWhiteFurnace(output, width: 36, height: 28, spp: 128)
        let centre = (28 / 2) * 36 + 36 / 2
        XCTAssertEqual(try XCTUnwrap(output.albedo).pixels[centre].x, 1, accuracy: 1e-4, "albedo AOV of the white sphere")
        XCTAssertGreaterThan(try XCTUnwrap(output.normal).pixels[centre].z, 0.98, "normal AOV faces the camera")
    }

    func testWavefrontStrategiesAgree() throws {
        guard try rayQueryDevice() != nil else { return }
        try LightTransportTests.assertStrategiesAgree(integrator: .wavefront)
    }

    /// A frame larger than `maxWavefrontPaths` is traced in bands of rows
    /// (bounded memory); every pixel's path is the same, so the image, AOVs
    /// and ray count equal the single-band render bit for bit — including a
    /// last band shorter than the others.
    func testBandsOfRowsGiveTheSameImageAsOneBand() throws {
        guard try rayQueryDevice() != nil else { return }
        func render(maxPaths: Int) throws -> RenderOutput {
            try renderLightTransportScene { s in
                s.samplesPerPixel = 4
                s.aovs = [.albedo, .normal, .depth]
                s.maxWavefrontPaths = maxPaths
            }
        }
        let whole = try render(maxPaths: 1 << 20)
        let banded = try render(maxPaths: 36 * 8)   // bands of 8 rows: 8, 8, 8, 4
        RenderTestSupport.assertSamePixels(banded.image.pixels, whole.image.pixels, "beauty")
        RenderTestSupport.assertSamePixels(try XCTUnwrap(banded.albedo).pixels, try XCTUnwrap(whole.albedo).pixels, "albedo")
        RenderTestSupport.assertSamePixels(try XCTUnwrap(banded.normal).pixels, try XCTUnwrap(whole.normal).pixels, "normal")
        XCTAssertEqual(banded.depth, whole.depth, "depth")
        XCTAssertEqual(banded.stats.rays, whole.stats.rays, "ray count")
        XCTAssertGreaterThan(RenderTestSupport.meanLuminanceLike(whole.image), 0.05, "scene must be lit")
    }

    /// `--stage-times` submits every stage on its own: the same image bit for
    /// bit, and a time for every stage of the schedule at every depth it ran
    /// (the megakernel's refusal: OptionValidationTests).
    func testStageTimesKeepTheImageAndCoverEveryStage() throws {
        guard try rayQueryDevice() != nil else { return }
        func render(profiled: Bool) throws -> RenderOutput {
            try renderLightTransportScene { s in
                s.samplesPerPixel = 3; s.maxDepth = 3
                s.maxWavefrontPaths = 36 * 16   // two bands: stages repeat per band
                s.profileStages = profiled
            }
        }
        let plain = try render(profiled: false)
        let profiled = try render(profiled: true)
        RenderTestSupport.assertSamePixels(profiled.image.pixels, plain.image.pixels, "beauty with stage times")
        XCTAssertEqual(profiled.stats.rays, plain.stats.rays, "ray count")
        XCTAssertNil(plain.stats.stageSeconds)
        let seconds = try XCTUnwrap(profiled.stats.stageSeconds)
        var expected: Set<WavefrontStage> = [.camera, .accumulate, .extend(depth: 3)]
        for d in 0..<3 { expected.formUnion([.extend(depth: d), .sort(depth: d), .shade(depth: d), .shadow(depth: d)]) }
        XCTAssertEqual(Set(seconds.keys), expected)
        XCTAssertTrue(seconds.values.allSatisfy { $0 > 0 && $0.isFinite }, "\(seconds)")
    }

    /// The sort kernels (extend's bin slots, the prefix sums, the scatter)
    /// against a CPU counting sort of the same hits: every material's range
    /// of sortedHits holds exactly the paths that hit it, each once, and the
    /// ranges are consecutive in material order.
    func testCountingSortByMaterialMatchesTheCPU() throws {
        guard let device = try rayQueryDevice() else { return }
        let sink = ValidationSinkBox(device)
        let env = try LightTransportTests.writeTestEnvironment()
        defer { try? FileManager.default.removeItem(atPath: env) }
        let scene = LightTransportTests.scene(envPath: env)   // floor + two spheres, three analytic materials
        let materials = try SceneMaterials(scene: scene, mode: .reference, logger: RenderTestSupport.logger)
        let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code, tracing: .query, integrator: .wavefront)
        var settings = RenderSettings(film: scene.film)
        settings.width = 37; settings.height = 23
        let session = try RenderSession(tracer: tracer, scene: scene, settings: settings, materials: materials)
        let binning = try session.wavefrontFirstBinning()

        let pathCount = settings.width * settings.height
        var expected: [[UInt32]] = Array(repeating: [], count: scene.materials.count)
        var slotsSeen: [Set<UInt32>] = Array(repeating: [], count: scene.materials.count)
        for (path, bin) in binning.hitBins.enumerated() where bin.x != LQ_WAVEFRONT_NO_PATH {
            let material = Int(bin.x)
            XCTAssertTrue(scene.materials.indices.contains(material), "path \(path): material \(material)")
            guard scene.materials.indices.contains(material) else { return }
            expected[material].append(UInt32(path))
            XCTAssertTrue(slotsSeen[material].insert(bin.y).inserted, "slot \(bin.y) of material \(material) handed out twice")
        }
        XCTAssertTrue(expected.allSatisfy { !$0.isEmpty }, "the camera sees every material: \(expected.map(\.count))")
        XCTAssertLessThan(expected.map(\.count).reduce(0, +), pathCount, "some camera rays escape to the sky")
        var offset: UInt32 = 0
        for (material, paths) in expected.enumerated() {
            let bin = binning.bins[material]
            XCTAssertEqual(Int(bin.count), paths.count, "material \(material): bin count")
            XCTAssertEqual(bin.offset, offset, "material \(material): exclusive prefix sum")
            XCTAssertEqual(bin.groups.0, (UInt32(paths.count) + LQ_WAVEFRONT_GROUP - 1) / LQ_WAVEFRONT_GROUP, "material \(material): dispatch size")
            let range = Int(bin.offset)..<(Int(bin.offset) + paths.count)
            XCTAssertEqual(binning.sortedHits[range].sorted(), paths, "material \(material): its range holds exactly its hits")
            offset += UInt32(paths.count)
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
    }

    /// `auto` takes the wavefront on CPU devices with ray queries (measured
    /// better there) unless another option asks for a megakernel mode or
    /// every material is a built-in analytic type (the megakernel is faster there).
    func testAutoPicksTheWavefrontOnCPUDevicesUnlessAMegakernelModeIsAsked() throws {
        guard let device = try rayQueryDevice() else { return }
        let expected: Integrator = device.device.physical.isCPU ? .wavefront : .megakernel
        XCTAssertEqual(try PathTracer(renderDevice: device, tracing: .auto, integrator: .auto).integrator, expected)
        XCTAssertEqual(try PathTracer(renderDevice: device, tracing: .pipeline, integrator: .auto).integrator, .megakernel)
        XCTAssertEqual(Integrator.auto.resolved(for: device.device, analyticOnly: true), .megakernel)
        XCTAssertEqual(Integrator.wavefront.resolved(for: device.device, analyticOnly: true), .wavefront, "asked for by name")
        if device.device.subgroupBallotInCompute {
            XCTAssertEqual(try PathTracer(renderDevice: device, coherentShading: true, tracing: .query, integrator: .auto).integrator,
                           .megakernel)
        }
    }

    func testCombinationsTheWavefrontCannotRunAreRefused() throws {
        guard let device = try rayQueryDevice() else { return }
        XCTAssertThrowsError(try PathTracer(renderDevice: device, tracing: .pipeline, integrator: .wavefront)) { error in
            XCTAssertTrue("\(error)".contains("ray queries"), "\(error)")
        }
        XCTAssertThrowsError(try PathTracer(renderDevice: device, coherentShading: true, tracing: .query, integrator: .wavefront)) { error in
            XCTAssertTrue("\(error)".contains("--coherent"), "\(error)")
        }
    }
}
