/// A user-facing viewer failure: one line naming what went wrong and what to do.
public struct ViewerError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
