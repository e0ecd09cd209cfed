import Foundation

/// FNV-1a 64-bit: the material content hash (stable across runs and machines).
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            value ^= UInt64(b)
            value = value &* 0x0000_0100_0000_01B3
        }
    }
    public mutating func add(_ data: Data) { data.withUnsafeBytes { add($0) } }
    public mutating func add(_ s: String) { add(Array(s.utf8)) }
    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

extension Material {
    /// The content hash as 16 lowercase hex digits.
    public var contentHashHex: String {
        let s = String(contentHash, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
