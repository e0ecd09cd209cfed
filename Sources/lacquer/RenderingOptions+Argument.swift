import ArgumentParser
import Rendering

/// `--tracing pipeline|query|auto`: ArgumentParser lists the values in the
/// error for anything else.
extension TracingMethod: ExpressibleByArgument {}

/// `--integrator megakernel|wavefront`.
extension Integrator: ExpressibleByArgument {}
