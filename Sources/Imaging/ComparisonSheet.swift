/// One image showing `a | b | error heatmap` side by side, separated by a
/// small black gap, for reports and the `compare` command.
///
/// `a` and `b` are copied unchanged (linear HDR). The heatmap column holds
/// display colours in [0, 1]: a `.clamp` PNG write shows it exactly, while
/// `.aces`/`.reinhard` (chosen for the renders) dim it somewhat but keep its order.
public func comparisonSheet(_ a: Image, _ b: Image, maxError: Float? = nil, gap: Int = 4) throws -> Image {
    let heatmap = try errorHeatmap(a, b, maxError: maxError)
    let spacing = max(0, gap)
    var sheet = Image(width: 3 * a.width + 2 * spacing, height: a.height, fill: SIMD4(0, 0, 0, 1))
    for (column, source) in [a, b, heatmap].enumerated() {
        let offset = column * (a.width + spacing)
        for y in 0..<a.height {
            let from = y * a.width
            let to = y * sheet.width + offset
            sheet.pixels.replaceSubrange(to..<(to + a.width), with: source.pixels[from..<(from + a.width)])
        }
    }
    return sheet
}
