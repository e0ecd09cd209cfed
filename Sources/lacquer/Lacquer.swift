import ArgumentParser

/// `lacquer`: bake, render, view, compare, inspect. One file per subcommand.
@main
struct Lacquer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lacquer",
        abstract: "Neural appearance models in a Vulkan ray-tracing path tracer.",
        subcommands: [BakeCommand.self, RenderCommand.self, ViewCommand.self, CompareCommand.self, BenchCommand.self, BsdfCommand.self, InfoCommand.self, MaterialsCommand.self])
}
