import ArgumentParser
import Foundation
import NeuralMaterial
import VulkanSupport

/// `lacquer info`: the Vulkan devices on this machine and whether each can ray trace.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "List Vulkan devices and whether each supports ray tracing, and the CPU training kernels in use; or describe a .nmat file.",
        discussion: "lacquer info FILE.nmat prints the neural material's architecture, latents, training settings and held-out metrics.")

    @Argument(help: "A .nmat neural material to describe (omit to list Vulkan devices).") var file: String?
    @Flag(help: "Enable the Vulkan validation layer.") var validation = false

    func run() throws {
        if let file {
            if let problem = CommandSupport.inputPathProblem(file, what: ".nmat") { CommandSupport.fail(problem) }
            do {
                let nmat = try NeuralMaterialFile.load(path: file)
                print(nmat.summary(file: file))
            } catch { CommandSupport.fail("\(error)") }
            return
        }
        let isaLine: String
        do {
            let isa = try TrainingISA.selection(environment: ProcessInfo.processInfo.environment)
            isaLine = "training kernels: \(isa) (available here: \(TrainingISA.available.map(\.rawValue).joined(separator: ", ")); override with \(TrainingISA.overrideVariable))"
        } catch { CommandSupport.fail("\(error)") }
        print(isaLine)
        let logger = CommandSupport.makeLogger()
        let instance: VulkanInstance
        do { instance = try VulkanInstance(validation: validation, logger: logger) } catch { CommandSupport.fail("\(error)") }
        let devices = try instance.physicalDevices()
        if devices.isEmpty { print("no Vulkan devices found; run Tools/setup to install Mesa's lavapipe") }
        var chosen: Int?
        if let best = try? PhysicalDeviceInfo.select(from: devices, selector: nil) { chosen = best.index }
        for d in devices {
            let rt = d.supportsRayTracing ? "ray tracing: yes" : "ray tracing: no (missing \(d.missingExtensions.joined(separator: ", ")))"
            let mark = d.index == chosen ? " [default]" : ""
            print("\(d.index): \(d.name) — \(d.typeName), Vulkan \(d.apiVersionString), \(rt)\(mark)")
        }
    }
}
