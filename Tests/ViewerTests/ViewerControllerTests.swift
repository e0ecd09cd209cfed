import Foundation
import Scenes
import XCTest
@testable import Viewer

final class OrbitCameraTests: XCTestCase {
    let camera = Camera(position: Float3(0, 1.6, 6.5), target: Float3(0, 0.7, 0), up: Float3(0, 1, 0), fovY: 35, focusDistance: 0)

    private func assertClose(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ tolerance: Float = 1e-4,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(length(a - b), tolerance, "\(a) vs \(b)", file: file, line: line)
    }

    func testRoundTripKeepsTheSceneCamera() {
        let orbit = OrbitCamera(camera: camera)
        assertClose(orbit.camera.position.simd, camera.position.simd)
        assertClose(orbit.camera.target.simd, camera.target.simd)
        XCTAssertEqual(orbit.camera.fovY, 35)
        XCTAssertEqual(orbit.yaw, 0, accuracy: 1e-6)
    }

    func testOrbitKeepsDistanceAndTargetAndClampsPitch() {
        var orbit = OrbitCamera(camera: camera)
        let distance = orbit.distance
        orbit.orbit(dx: 200, dy: 0, viewportHeight: 400)   // half a turn per height: 90°
        XCTAssertEqual(orbit.distance, distance)
        assertClose(orbit.target, camera.target.simd)
        // Dragging right moves the camera to its left (-x here): the scene turns with the cursor.
        XCTAssertLessThan(orbit.position.x, -1)
        orbit.orbit(dx: 0, dy: 10_000, viewportHeight: 400)
        XCTAssertLessThan(orbit.pitch, .pi / 2)
        XCTAssertGreaterThan(orbit.direction.y, 0.99)
        XCTAssertTrue(orbit.camera.position.simd.x.isFinite)
    }

    func testPanMovesTargetInTheImagePlane() {
        var orbit = OrbitCamera(camera: camera)
        let forward = (camera.target.simd - camera.position.simd) / length(camera.target.simd - camera.position.simd)
        orbit.pan(dx: 50, dy: 0, viewportHeight: 400)
        let moved = orbit.target - camera.target.simd
        XCTAssertLessThan(moved.x, 0, "dragging right moves the view target left")
        XCTAssertEqual(dot(moved, forward), 0, accuracy: 1e-5)
        // The point under the cursor follows it: 50 px of a 400 px-high view.
        let expected = 2 * orbit.distance * tan(35 * Float.pi / 360) * 50 / 400
        XCTAssertEqual(length(moved), expected, accuracy: 1e-4)
    }

    func testZoomIsClamped() {
        var orbit = OrbitCamera(camera: camera)
        let d = orbit.distance
        orbit.zoom(steps: 1)
        XCTAssertEqual(orbit.distance, d * 0.85, accuracy: 1e-5)
        orbit.zoom(steps: 10_000)
        XCTAssertEqual(orbit.distance, OrbitCamera.minimumDistance)
        orbit.zoom(steps: -100_000)
        XCTAssertEqual(orbit.distance, OrbitCamera.maximumDistance)
    }

    func testFrameFitsTheBoundsAndIgnoresGroundPlanes() {
        let floor = Mesh(positions: [Float3(-10, 0, -10), Float3(10, 0, -10), Float3(10, 0, 10), Float3(-10, 0, 10)],
                         normals: Array(repeating: Float3(0, 1, 0), count: 4), uvs: Array(repeating: Float2(0, 0), count: 4),
                         tangents: Array(repeating: Float4(1, 0, 0, 1), count: 4), indices: [0, 1, 2, 0, 2, 3])
        let scene = Scene(camera: camera, film: Film(), environment: .constant(Float3(1, 1, 1)), materials: [],
                          objects: [SceneObject(name: "floor", shape: .mesh(floor), materialIndex: 0),
                                    SceneObject(name: "ball", shape: .sphere(center: Float3(2, 1, 0), radius: 1), materialIndex: 0,
                                                transform: .translation(Float3(0, 0, 1)))])
        let bounds = try! XCTUnwrap(SceneBounds(scene: scene))
        assertClose(bounds.center, SIMD3(2, 1, 1))
        var orbit = OrbitCamera(camera: camera)
        let direction = orbit.direction
        orbit.frame(bounds, aspect: 1.6)
        assertClose(orbit.target, SIMD3(2, 1, 1))
        assertClose(orbit.direction, direction, 1e-5)
        // The bounding sphere (radius √3) fits the vertical field of view.
        XCTAssertEqual(sin(35 * Float.pi / 360) * orbit.distance, Float(3).squareRoot() * 1.05, accuracy: 1e-3)
        XCTAssertNil(SceneBounds(scene: Scene(camera: camera, film: Film(), environment: .constant(Float3(1, 1, 1)),
                                              materials: [], objects: [])))
    }
}

final class ViewerControllerTests: XCTestCase {
    let scene = Scene(camera: Camera(position: Float3(0, 0, 4), target: Float3(0, 0, 0), up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
                      film: Film(width: 64, height: 64), environment: .constant(Float3(1, 1, 1)), materials: [],
                      objects: [SceneObject(name: "s", shape: .sphere(center: Float3(0, 0, 0), radius: 1), materialIndex: 0)])

    func testUntouchedCameraIsTheScenesExactly() {
        let controller = ViewerController(scene: scene, hasNeuralMaterials: false)
        XCTAssertEqual(controller.camera, scene.camera)
        XCTAssertEqual(controller.mode, .reference)
    }

    func testModeKeysToggleAndNoticeWithoutNeuralMaterials() {
        var c = ViewerController(scene: scene, hasNeuralMaterials: false)
        XCTAssertEqual(c.handle(key: .neural), [.displayChanged, .notice("mode: neural"), .notice(ViewerController.noNeuralNotice)])
        XCTAssertEqual(c.mode, .neural)
        _ = c.handle(key: .neural)
        XCTAssertEqual(c.mode, .reference)
        _ = c.handle(key: .compare)
        XCTAssertEqual(c.mode, .split)
        _ = c.handle(key: .errorMap)
        XCTAssertEqual(c.mode, .heatmap)
        _ = c.handle(key: .errorMap)
        XCTAssertEqual(c.mode, .reference)

        var withNeural = ViewerController(scene: scene, hasNeuralMaterials: true)
        XCTAssertFalse(withNeural.handle(key: .compare).contains(.notice(ViewerController.noNeuralNotice)))
    }

    func testExposurePresetsResetAndQuit() {
        var c = ViewerController(scene: scene, hasNeuralMaterials: false)
        XCTAssertTrue(c.handle(key: .exposureUp).contains(.displayChanged))
        _ = c.handle(key: .exposureUp)
        _ = c.handle(key: .exposureDown)
        XCTAssertEqual(c.exposure, 0.5)
        XCTAssertEqual(c.handle(key: .digit(4)).first, .environmentChanged)
        XCTAssertEqual(c.environmentRotationOffset, 180)
        _ = c.handle(key: .digit(9))
        XCTAssertEqual(c.environmentIntensityScale, 2)
        XCTAssertEqual(c.environmentRotationOffset, 180, "intensity presets keep the rotation")
        XCTAssertEqual(c.handle(key: .reset), [.restart])
        XCTAssertEqual(c.handle(key: .quit), [.quit])
        XCTAssertEqual(c.handle(key: .save), [.save])
        XCTAssertEqual(c.handle(key: .help), [.help])
    }

    func testDragsMoveTheCameraAndShiftRReturnsHome() {
        var c = ViewerController(scene: scene, hasNeuralMaterials: false)
        c.windowSize = (200, 100)
        _ = c.handle(.cursor(x: 10, y: 10))
        _ = c.handle(.mouseButton(.left, pressed: true, shift: false))
        XCTAssertEqual(c.handle(.cursor(x: 30, y: 10)), [.cameraMoved])
        _ = c.handle(.mouseButton(.left, pressed: false, shift: false))
        XCTAssertNotEqual(c.camera, scene.camera)
        XCTAssertEqual(c.handle(.cursor(x: 90, y: 10)), [], "no drag after release")
        XCTAssertEqual(c.handle(.scroll(dx: 0, dy: 1)), [.cameraMoved])
        _ = c.handle(.mouseButton(.middle, pressed: true, shift: false))
        XCTAssertEqual(c.handle(.cursor(x: 95, y: 12)), [.cameraMoved])
        _ = c.handle(.mouseButton(.middle, pressed: false, shift: false))
        XCTAssertTrue(c.handle(key: .reset, shift: true).contains(.cameraMoved))
        XCTAssertEqual(c.camera, scene.camera)
        XCTAssertEqual(c.handle(key: .frame), [.cameraMoved])
    }

    func testDividerDragInSplitView() {
        var c = ViewerController(scene: scene, hasNeuralMaterials: false)
        c.windowSize = (200, 100)
        _ = c.handle(key: .compare)
        _ = c.handle(.cursor(x: 102, y: 50))  // within 6 px of the divider at 100
        _ = c.handle(.mouseButton(.left, pressed: true, shift: false))
        XCTAssertEqual(c.handle(.cursor(x: 150, y: 50)), [.displayChanged])
        XCTAssertEqual(c.divider, 0.75)
        XCTAssertEqual(c.camera, scene.camera, "moving the divider does not orbit")
    }

    func testGLFWKeyMapping() {
        XCTAssertEqual(ViewerWindow.key(glfwKey: 78, shift: false), .neural)      // N
        XCTAssertEqual(ViewerWindow.key(glfwKey: 61, shift: true), .exposureUp)   // '=' / '+'
        XCTAssertEqual(ViewerWindow.key(glfwKey: 334, shift: false), .exposureUp) // keypad +
        XCTAssertEqual(ViewerWindow.key(glfwKey: 45, shift: false), .exposureDown)
        XCTAssertEqual(ViewerWindow.key(glfwKey: 49, shift: false), .digit(1))
        XCTAssertEqual(ViewerWindow.key(glfwKey: 57, shift: false), .digit(9))
        XCTAssertEqual(ViewerWindow.key(glfwKey: 256, shift: false), .quit)       // Esc
        XCTAssertNil(ViewerWindow.key(glfwKey: 65, shift: false))                 // A: unused
    }

    func testDisplayCheckNamesBothVariables() {
        XCTAssertThrowsError(try GLFWLibrary.requireDisplay(environment: [:])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("DISPLAY") && message.contains("WAYLAND_DISPLAY"), message)
            XCTAssertFalse(message.contains("\n"))
        }
        XCTAssertThrowsError(try GLFWLibrary.requireDisplay(environment: ["DISPLAY": "", "WAYLAND_DISPLAY": ""]))
        XCTAssertNoThrow(try GLFWLibrary.requireDisplay(environment: ["DISPLAY": ":0"]))
        XCTAssertNoThrow(try GLFWLibrary.requireDisplay(environment: ["WAYLAND_DISPLAY": "wayland-0"]))
    }
}
