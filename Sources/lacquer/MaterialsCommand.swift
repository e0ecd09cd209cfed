import ArgumentParser
import Foundation
import Materials

/// `lacquer materials FILE`: the names of the materials in a material file,
/// one per line on stdout, so that `FILE#NAME` can be written for any of them.
struct MaterialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "materials",
        abstract: "List the materials in a material file (.json, .mtlx, .gltf or .glb), one name per line.",
        discussion: "Select one of them anywhere a material file is named with FILE#NAME (scene bindings, bake, bsdf, bench --material).")

    @Argument(help: "Material file (.json, .mtlx, .gltf or .glb).") var file: String

    func run() throws {
        let names: [String]
        do { names = try MaterialLoader.materialNames(path: file) } catch { CommandSupport.fail("\(error)") }
        for name in names { print(name) }
    }
}
