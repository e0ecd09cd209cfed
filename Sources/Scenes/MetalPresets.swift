/// Complex refractive indices (eta + i·k) of common metals, sampled at
/// 650 / 550 / 450 nm for the R / G / B channels. The values are measured
/// optical constants (the refractiveindex.info data sets, as tabulated at these
/// wavelengths in Chaos Group's "Understanding metalness"); at normal
/// incidence they give the familiar reflectances, e.g. gold ≈ (0.94, 0.78, 0.37).
public enum MetalPreset: String, CaseIterable, Sendable {
    case gold, silver, copper, aluminium, iron, chrome

    public var eta: Float3 {
        switch self {
        case .gold: return Float3(0.18299, 0.42108, 1.3734)
        case .silver: return Float3(0.15943, 0.14512, 0.13547)
        case .copper: return Float3(0.27105, 0.67693, 1.3164)
        case .aluminium: return Float3(1.3456, 0.96521, 0.61722)
        case .iron: return Float3(2.9114, 2.9497, 2.5845)
        case .chrome: return Float3(3.1071, 3.1812, 2.3230)
        }
    }

    public var k: Float3 {
        switch self {
        case .gold: return Float3(3.4242, 2.3459, 1.7704)
        case .silver: return Float3(3.9291, 3.1900, 2.3808)
        case .copper: return Float3(3.6092, 2.6248, 2.2921)
        case .aluminium: return Float3(7.4746, 6.3995, 5.3031)
        case .iron: return Float3(3.0893, 2.9318, 2.7670)
        case .chrome: return Float3(3.3314, 3.3291, 3.1350)
        }
    }
}
