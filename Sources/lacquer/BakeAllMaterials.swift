import Foundation
import Materials

/// `lacquer bake FILE --all -o DIR`: one bake per material of FILE, each
/// exactly as `lacquer bake FILE#NAME -o DIR/NAME.nmat` (same settings, its
/// own checkpoint), one after the other, once every material has loaded.
/// Poor bakes are reported together at the end.
extension BakeCommand {
    func runAll() throws {
        guard let material else { fail("--all needs a MATERIAL file") }
        guard resume == nil, checkpoint == nil else { fail("--all cannot be combined with --resume or --checkpoint; resume one material with FILE#NAME") }
        let ref = MaterialReference(parsing: material)
        guard ref.name == nil else { fail("--all bakes every material of \(ref.path); remove '#\(ref.name ?? "")' or drop --all") }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: output, isDirectory: &isDir), isDir.boolValue else {
            fail("-o \(output): with --all the output is an existing directory (one NAME.nmat per material is written there)")
        }
        let names: [String]
        do { names = try MaterialLoader.materialNames(path: ref.path) } catch { fail("\(error)") }
        let files = names.map { Self.fileName(forMaterial: $0) }
        if Set(files).count != files.count {
            fail("\(ref.path): material names \(names.joined(separator: ", ")) do not give distinct file names; bake them one by one with FILE#NAME")
        }
        // Every material must load before the first bake starts: a refused one
        // fails the command up front instead of after hours of partial output.
        for name in names {
            do { _ = try MaterialLoader.loadMaterial(MaterialReference(path: ref.path, name: name), warn: { _ in }) } catch {
                fail("\(error) (nothing was baked; bake the other materials one by one with FILE#NAME)")
            }
        }
        // A poor twin does not stop the others: every material is baked, then
        // every poor one is reported (one line each) and the status says so.
        var poor: [String] = []
        for (name, file) in zip(names, files) {
            var one = self
            one.all = false
            one.material = "\(ref.path)#\(name)"
            one.output = URL(fileURLWithPath: output).appendingPathComponent(file).path
            if let line = try one.bakeOne() { poor.append(line) }
        }
        Self.endWithPoorBakes(poor, allowed: allowPoor)
    }

    /// NAME.nmat with every character outside [A-Za-z0-9._-] replaced by '_'.
    static func fileName(forMaterial name: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let cleaned = String(name.map { safe.contains($0) ? $0 : "_" })
        return (cleaned.isEmpty || cleaned.hasPrefix(".") ? "_" + cleaned : cleaned) + ".nmat"
    }
}
