import Foundation
import Materials
import XCTest

/// Processing instructions other than the XML declaration are refused with
/// one line: Foundation's XMLParser dereferenced NULL on `<?name?>` (found by
/// fuzzing; reproducer: Fuzz/Corpus/materialx/regress-empty-processing-instruction.mtlx).
final class MaterialXProcessingInstructionTests: XCTestCase {
    let body = """
        <materialx version="1.39">
          <oren_nayar_diffuse_bsdf name="base" type="BSDF"><input name="color" type="color3" value="0.5, 0.1, 0.1" /></oren_nayar_diffuse_bsdf>
          <surface name="surf" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="base" /></surface>
          <surfacematerial name="m" type="material"><input name="surfaceshader" type="surfaceshader" nodename="surf" /></surfacematerial>
        </materialx>
        """

    func testProcessingInstructionWithoutDataIsAnErrorNotACrash() {
        let document = "<?xml version=\"1.0\"?>\n<?lacquer?>\n" + body
        XCTAssertThrowsError(try MaterialXParser.parse(data: Data(document.utf8), path: "pi.mtlx")) { error in
            XCTAssertTrue("\(error)".hasPrefix("pi.mtlx: line 2: a processing instruction"), "\(error)")
        }
    }

    func testXMLDeclarationWithOrWithoutBOMIsStillAccepted() {
        for prefix in ["<?xml version=\"1.0\"?>\n", "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", ""] {
            XCTAssertNoThrow(try MaterialXParser.parse(data: Data((prefix + body).utf8), path: "ok.mtlx"), prefix)
        }
    }
}
