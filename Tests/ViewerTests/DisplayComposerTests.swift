import Foundation
import Imaging
import Scenes
import XCTest
@testable import Viewer

final class DisplayComposerTests: XCTestCase {
    private func frame(_ w: Int, _ h: Int, _ value: (Int, Int) -> (UInt8, UInt8, UInt8)) -> DisplayFrame {
        var bytes: [UInt8] = []
        for y in 0..<h { for x in 0..<w { let v = value(x, y); bytes += [v.0, v.1, v.2, 255] } }
        return DisplayFrame(width: w, height: h, rgba: bytes)
    }

    func testToneMappingMatchesTheHeadlessPNGPath() {
        var image = Image(width: 3, height: 1)
        image.pixels = [SIMD4(0, 0, 0, 1), SIMD4(0.18, 0.5, 1, 1), SIMD4(4, 20, 0.01, 1)]
        let shown = DisplayComposer.toneMapped(image, exposure: 0.5)
        XCTAssertEqual(shown.rgba, image.toneMapped(exposure: 0.5, operator: .aces))
    }

    func testSplitTakesLeftColumnsFromNeuralAndDrawsTheDivider() throws {
        let left = frame(8, 2) { _, _ in (10, 20, 30) }
        let right = frame(8, 2) { _, _ in (200, 100, 50) }
        let split = try DisplayComposer.split(left: left, right: right, divider: 0.25)
        for y in 0..<2 {
            for x in 0..<8 {
                let i = 4 * (y * 8 + x)
                let px = Array(split.rgba[i..<(i + 4)])
                switch x {
                case 0..<2: XCTAssertEqual(px, [10, 20, 30, 255])
                case 2: XCTAssertEqual(px, [255, 255, 255, 255])
                default: XCTAssertEqual(px, [200, 100, 50, 255])
                }
            }
        }
        XCTAssertThrowsError(try DisplayComposer.split(left: left, right: frame(4, 2) { _, _ in (0, 0, 0) }, divider: 0.5))
    }

    func testHeatmapOfIdenticalImagesIsUniform() throws {
        var image = Image(width: 4, height: 4)
        for i in image.pixels.indices { image.pixels[i] = SIMD4(Float(i) / 16, 0.5, 0.25, 1) }
        let heat = try DisplayComposer.compose(mode: .heatmap, reference: image, neural: image, exposure: 3)
        let first = Array(heat.rgba[0..<4])
        for i in stride(from: 0, to: heat.rgba.count, by: 4) { XCTAssertEqual(Array(heat.rgba[i..<(i + 4)]), first) }
        XCTAssertThrowsError(try DisplayComposer.compose(mode: .split, reference: image, neural: nil, exposure: 0))
    }

    func testFitScalesNearestAndSwizzles() {
        let small = frame(2, 2) { x, y in (UInt8(10 * x + 1), UInt8(10 * y + 2), 3) }
        let same = DisplayComposer.fit(small, width: 2, height: 2, bgra: false)
        XCTAssertEqual(same, small.rgba)
        let big = DisplayComposer.fit(small, width: 4, height: 4, bgra: true)
        XCTAssertEqual(big.count, 64)
        // Pixel (3, 1) comes from source (1, 0), written as B, G, R, A.
        let i = 4 * (1 * 4 + 3)
        XCTAssertEqual(Array(big[i..<(i + 4)]), [3, 2, 11, 255])
        let j = 4 * (3 * 4 + 0)
        XCTAssertEqual(Array(big[j..<(j + 4)]), [3, 12, 1, 255])
    }

    /// Screenshots go through linearImage + writePNG(toneMap: .clamp): every
    /// 8-bit value must come back unchanged.
    func testScreenshotBytesRoundTripExactly() throws {
        let all = frame(256, 1) { x, _ in (UInt8(x), UInt8(255 - x), UInt8((x * 7) % 256)) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-viewer-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writePNG(all.linearImage, to: path, toneMap: .clamp)
        let back = try readPNG(path)
        XCTAssertEqual(back.toneMapped(exposure: 0, operator: .clamp), all.rgba)
    }
}

final class ScriptedEventTests: XCTestCase {
    func testParsesEveryAction() throws {
        let events = try ScriptedEvent.parse("5:key=c; 1:drag=left,20,-4;2:scroll=1.5;3:resize=200x150;4:key=R;4:key=7")
        XCTAssertEqual(events.map(\.frame), [1, 2, 3, 4, 4, 5])
        guard case let .input(drag) = events[0].action else { return XCTFail("drag") }
        XCTAssertEqual(drag.first, .cursor(x: 40, y: 40))
        XCTAssertEqual(drag[1], .mouseButton(.left, pressed: true, shift: false))
        XCTAssertEqual(drag[drag.count - 2], .cursor(x: 60, y: 36))
        XCTAssertEqual(drag.last, .mouseButton(.left, pressed: false, shift: false))
        XCTAssertEqual(events[1].action, .input([.scroll(dx: 0, dy: 1.5)]))
        XCTAssertEqual(events[2].action, .resize(width: 200, height: 150))
        XCTAssertEqual(events[3].action, .input([.key(.reset, shift: true)]))
        XCTAssertEqual(events[4].action, .input([.key(.digit(7), shift: false)]))
    }

    func testRejectsMalformedItems() {
        for bad in ["x:key=c", "1:key=z", "1:drag=left,1", "1:drag=top,1,1", "1:resize=0x10", "1:jump=1", "1:key", "-1:key=c", "1:scroll=nan"] {
            XCTAssertThrowsError(try ScriptedEvent.parse(bad), bad) { error in
                XCTAssertTrue("\(error)".contains("--events"), "\(error)")
            }
        }
    }
}

final class ViewerOptionsTests: XCTestCase {
    func testWindowSizeDefaults() {
        var o = ViewerOptions(scenePath: "s.json")
        XCTAssertEqual(o.windowSize(film: Scenes.Film(width: 640, height: 400)).width, 640)
        XCTAssertEqual(o.windowSize(film: Scenes.Film(width: 2560, height: 1600)).width, 1280)
        XCTAssertEqual(o.windowSize(film: Scenes.Film(width: 2560, height: 1600)).height, 800)
        o.width = 300
        XCTAssertEqual(o.windowSize(film: Scenes.Film(width: 600, height: 400)).height, 200)
        o.width = nil
        o.benchmarkSeconds = 5
        XCTAssertEqual(o.windowSize(film: Scenes.Film(width: 64, height: 64)).width, 640)
        XCTAssertEqual(o.windowSize(film: Scenes.Film(width: 64, height: 64)).height, 360)
    }

    func testValidation() {
        var o = ViewerOptions(scenePath: "s.json")
        XCTAssertNoThrow(try o.validate())
        o.screenshot = "a.png"
        XCTAssertThrowsError(try o.validate(), "screenshot needs frames")
        o.frames = 0
        XCTAssertThrowsError(try o.validate())
        o.frames = 3
        XCTAssertNoThrow(try o.validate())
        o.screenshot = "a.jpg"
        XCTAssertThrowsError(try o.validate())
        o.screenshot = nil
        o.benchmarkSeconds = 2
        XCTAssertThrowsError(try o.validate(), "benchmark and frames")
        o.frames = nil
        XCTAssertNoThrow(try o.validate())
        o.samplesPerFrame = 0
        XCTAssertThrowsError(try o.validate())
    }
}
