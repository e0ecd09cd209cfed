// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Lacquer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lacquer", targets: ["lacquer"]),
        .executable(name: "lacquer-fuzz", targets: ["lacquer-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // System libraries (module maps + shims for macros Swift cannot import).
        .systemLibrary(name: "CVulkan", path: "Sources/CVulkan"),
        .systemLibrary(name: "COpenEXR", path: "Sources/COpenEXR"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG"),
        .systemLibrary(name: "CGLFW", path: "Sources/CGLFW"),

        // GPU-visible struct layouts, shared by Swift and GLSL.
        .target(name: "ShaderInterface", path: "Sources/ShaderInterface"),

        .target(name: "Imaging", dependencies: ["COpenEXR", "CPNG", "CJPEG"]),
        .target(name: "Scenes", dependencies: ["Materials"]),
        .target(name: "Materials", dependencies: ["Imaging", "CTrainingKernels"]),
        // CPU kernels compiled per instruction set, chosen at run time: training (NeuralMaterial/TrainingISA.swift)
        // and the procedurals' value noise (Materials/Procedural.swift).
        .target(name: "CTrainingKernels", path: "Sources/CTrainingKernels"),
        .target(name: "NeuralMaterial", dependencies: ["Materials", "CTrainingKernels"]),
        .target(name: "Baking", dependencies: ["NeuralMaterial", "Materials", "Imaging", "CTrainingKernels"]),
        .target(name: "VulkanSupport", dependencies: [
            "CVulkan",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Rendering", dependencies: [
            "Scenes", "Imaging", "VulkanSupport", "ShaderInterface", "Materials", "NeuralMaterial",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Viewer", dependencies: [
            "Rendering", "VulkanSupport", "Scenes", "Imaging", "CGLFW", "CVulkan",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "lacquer", dependencies: [
            "Viewer", "Rendering", "Scenes", "Imaging", "VulkanSupport", "Materials", "NeuralMaterial", "Baking",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Fuzzing entry points (docs/FUZZING.md): Tools/fuzz builds lacquer-fuzz with libFuzzer.
        .target(name: "FuzzTargets", dependencies: ["Scenes", "Materials", "NeuralMaterial", "Imaging"]),
        .executableTarget(name: "lacquer-fuzz", dependencies: ["FuzzTargets"]),

        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "ScenesTests", dependencies: ["Scenes", "Materials"]),
        .testTarget(name: "MaterialsTests", dependencies: ["Materials", "Imaging", "CTrainingKernels"]),
        .testTarget(name: "NeuralMaterialTests", dependencies: ["NeuralMaterial", "Materials"]),
        .testTarget(name: "BakingTests", dependencies: ["Baking", "NeuralMaterial", "Materials"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Scenes", "Imaging", "VulkanSupport", "ShaderInterface", "NeuralMaterial", "Materials", "Baking"]),
        .testTarget(name: "ViewerTests", dependencies: ["Viewer", "Rendering", "Scenes", "Imaging"]),
        .testTarget(name: "LacquerCLITests", dependencies: ["Imaging"]),
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzTargets", "Materials"]),
    ]
)
