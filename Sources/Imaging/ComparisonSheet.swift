import Foundation

/// One image showing `a | b | error heatmap` side by side, separated by a
/// small black gap, for reports and the `compare` command.
///
/// Without `displayToneMap`, `a` and `b` are copied unchanged (linear HDR).
/// With it, they are tone-mapped (after `exposure` stops) into display
/// values in [0, 1] like the heatmap column, so a `.clamp` PNG write shows
/// all three columns exactly. The heatmap is always of the linear values.
public func comparisonSheet(_ a: Image, _ b: Image, maxError: Float? = nil, gap: Int = 4,
                            displayToneMap: ToneMapOperator? = nil, exposure: Float = 0) throws -> Image {
    let heatmap = try errorHeatmap(a, b, maxError: maxError)
    func display(_ image: Image) -> Image {
        guard let op = displayToneMap else { return image }
        let scale = Float(pow(2, Double(exposure)))
        var out = image
        out.pixels = image.pixels.map { SIMD4(op.apply($0.x * scale), op.apply($0.y * scale), op.apply($0.z * scale), 1) }
        return out
    }
    let spacing = max(0, gap)
    var sheet = Image(width: 3 * a.width + 2 * spacing, height: a.height, fill: SIMD4(0, 0, 0, 1))
    for (column, source) in [display(a), display(b), heatmap].enumerated() {
        let offset = column * (a.width + spacing)
        for y in 0..<a.height {
            let from = y * a.width
            let to = y * sheet.width + offset
            sheet.pixels.replaceSubrange(to..<(to + a.width), with: source.pixels[from..<(from + a.width)])
        }
    }
    return sheet
}
