import Foundation
import Materials
import XCTest

/// MaterialX bytes that are not UTF-8 are refused with one line; Foundation's
/// XMLParser trapped on such an element name (found by fuzzing; reproducer:
/// Fuzz/Corpus/materialx/regress-invalid-utf8-name.mtlx).
final class MaterialXEncodingTests: XCTestCase {
    let document = """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <oren_nayar_diffuse_bsdf name="base" type="BSDF"><input name="color" type="color3" value="0.5, 0.1, 0.1" /></oren_nayar_diffuse_bsdf>
          <surface name="surf" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="base" /></surface>
          <surfacematerial name="m" type="material"><input name="surfaceshader" type="surfaceshader" nodename="surf" /></surfacematerial>
        </materialx>
        """

    func testInvalidUTF8InAnElementNameIsAnErrorNotATrap() {
        var bytes = [UInt8](document.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "_")) else { return XCTFail("no '_' in the document") }  // in "oren_nayar_…", line 3
        bytes.insert(0xFF, at: at)
        XCTAssertThrowsError(try MaterialXParser.parse(data: Data(bytes), path: "bad.mtlx")) { error in
            let text = "\(error)"
            XCTAssertEqual(text, "bad.mtlx: line 3: byte \(at) is not valid UTF-8; save the document as UTF-8")
        }
    }

    func testUTF8DocumentWithNonASCIITextStillParses() throws {
        let withAccents = document.replacingOccurrences(of: "name=\"m\"", with: "name=\"lacqué\"")
        XCTAssertNoThrow(try MaterialXParser.parse(data: Data(withAccents.utf8), path: "ok.mtlx"))
    }
}
