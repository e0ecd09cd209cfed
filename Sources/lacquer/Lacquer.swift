import ArgumentParser
import Foundation

/// `lacquer`: bake, render, view, compare, inspect. One file per subcommand.
@main
struct Lacquer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lacquer",
        abstract: "Neural appearance models in a Vulkan ray-tracing path tracer.",
        subcommands: [BakeCommand.self, RenderCommand.self, ViewCommand.self, CompareCommand.self, BenchCommand.self, BsdfCommand.self, InfoCommand.self, MaterialsCommand.self])

    /// Like the default entry point, except that a usage error is one plain
    /// line ("error: …") instead of the message plus the usage block; help and
    /// version requests still print in full.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            let message = Lacquer.message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            let plain = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            FileHandle.standardError.write(Data("error: \(plain) (see --help)\n".utf8))
            Foundation.exit(exitCode(for: error).rawValue)
        }
    }
}
