import Foundation
import XCTest

/// `lacquer bake` of a material that reads the shading position (a MaterialX
/// `<position>`): the uv-parameterised twin can only learn the UV plane, and
/// the command says so in one warning line.
final class SolidTextureBakeCLITests: XCTestCase {
    static let warning = "baked on the UV plane with position = (u, v, 0)"

    func testBakingASolidTextureWarnsOnceThatItIsBakedOnTheUVPlane() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("solid.mtlx").path
        try Data("""
        <?xml version="1.0"?>
        <materialx version="1.39">
          <position name="pos" type="vector3" />
          <fractal3d name="f" type="color3"><input name="position" type="vector3" nodename="pos" /><input name="amplitude" type="vector3" value="0.3, 0.3, 0.3" /></fractal3d>
          <add name="c" type="color3"><input name="in1" type="color3" nodename="f" /><input name="in2" type="float" value="0.5" /></add>
          <oren_nayar_diffuse_bsdf name="b" type="BSDF"><input name="color" type="color3" nodename="c" /></oren_nayar_diffuse_bsdf>
          <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="b" /></surface>
          <surfacematerial name="Solid" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
        </materialx>
        """.utf8).write(to: URL(fileURLWithPath: file))
        // A starved bake: this test is about the warning, so it accepts a poor twin.
        let tiny = ["--preset", "quick", "--resolution", "4", "--samples", "2048", "--quiet", "--allow-poor"]
        let solid = try CLI.run(["bake", file, "-o", dir.appendingPathComponent("solid.nmat").path] + tiny)
        XCTAssertEqual(solid.status, 0, solid.stderr)
        let lines = solid.stderr.split(separator: "\n").filter { $0.contains(Self.warning) }
        XCTAssertEqual(lines.count, 1, solid.stderr)
        XCTAssertTrue(lines.first?.hasPrefix("warning: Solid:") ?? false, solid.stderr)

        let plain = try CLI.run(["bake", "Assets/Materials/lambert.json", "-o", dir.appendingPathComponent("plain.nmat").path] + tiny)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stderr.contains(Self.warning), plain.stderr)
    }
}
