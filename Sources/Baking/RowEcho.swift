/// Data echoing (Choi et al. 2019, "Faster neural network training with
/// data echoing"): every generated training row trains `factor` steps
/// instead of one.
///
/// Why: a bake's wall time goes to the reference, not to the decoders —
/// generating rows from a layered material is ≈ 60 % of a car-paint step on
/// 2 cores. With factor E a step generates only B/E fresh rows and reuses
/// the rest from earlier steps. Measured (docs/BENCHMARKS.md "Dead
/// subtrees, the coat tint's log, data echoing"): E = 2 trains 1.45× more
/// samples per second, but at the same step count its twins are a few %
/// poorer, so no preset echoes; it is an option.
///
/// Step s trains on the rows F_s, F_{s−D}, …, F_{s−(E−1)D} (B/E rows each,
/// in that order; D = `delay`), where F_j is the first B/E rows the
/// generator draws for step j (`TrainingDataGenerator.fill(step: j)`), so a
/// row's uses are D steps apart and every batch mixes rows of E different
/// ages. F_j with j < 0 (the first (E−1)·D steps) is drawn like any other,
/// from its own index. Every F_j is a function of (seed, j) alone: the ring
/// kept here is only a cache, so a resumed bake, which starts with an empty
/// ring and draws the missing F_j again, continues bit-exactly, and the
/// checkpoint format does not change.
///
/// The fresh rows come first: the sampler trains on the first chunks of a
/// batch (`BakeSettings.samplerShare`), so with E = 2 and a share of ½ it
/// sees every row once.
final class RowEcho {
    let factor: Int
    let delay: Int
    let freshRows: Int
    private let slots: [TrainingBatch]
    /// The F_j each slot holds (nil: nothing yet).
    private var held: [Int?]

    /// Steps between two uses of a row.
    static let defaultDelay = 128
    /// Past a few uses a row teaches little that its first uses did not.
    static let maximumFactor = 8

    /// - Parameters:
    ///   - factor: steps each row trains (≥ 2; 1 needs no echo).
    ///   - batch: rows per step, a multiple of `factor`.
    init(factor: Int, batch: Int, delay: Int = RowEcho.defaultDelay) {
        precondition(factor >= 2 && batch % factor == 0 && delay >= 1)
        self.factor = factor
        self.delay = delay
        freshRows = batch / factor
        // F_j is last used at step j + (E−1)·D: one slot more than that span.
        let count = (factor - 1) * delay + 1
        slots = (0..<count).map { _ in TrainingBatch(capacity: batch / factor) }
        held = Array(repeating: nil, count: count)
    }

    /// The step indices whose fresh rows step `step` trains on, in batch order.
    func sources(step: Int) -> [Int] { (0..<factor).map { step - $0 * delay } }

    /// Fills `batch` with step `step`'s rows. `generate(rows, j)` must fill
    /// `rows` with F_j (`freshRows` rows); it runs for F_step and for any
    /// F_j the ring does not hold (after a resume, and for j < 0).
    ///
    /// F_j goes to slot j mod count: every index a step reads lies in
    /// [step − (E−1)·D, step], a window of `count` consecutive indices, so
    /// no two of them share a slot and no fill evicts a row still needed.
    func assemble(into batch: TrainingBatch, step: Int, generate: (TrainingBatch, Int) -> Void) {
        for (part, j) in sources(step: step).enumerated() {
            let k = ((j % slots.count) + slots.count) % slots.count
            if held[k] != j {
                generate(slots[k], j)
                held[k] = j
            }
            batch.copyRows(from: slots[k], count: freshRows, to: part * freshRows)
        }
    }
}

extension TrainingBatch {
    /// Copies rows [0, count) of `other` to rows [offset, offset + count).
    func copyRows(from other: TrainingBatch, count: Int, to offset: Int) {
        precondition(count <= other.capacity && offset + count <= capacity)
        (uv + offset).update(from: other.uv, count: count)
        (level + offset).update(from: other.level, count: count)
        (wi + offset).update(from: other.wi, count: count)
        (wo + offset).update(from: other.wo, count: count)
        (target + 3 * offset).update(from: other.target, count: 3 * count)
        (weight + offset).update(from: other.weight, count: count)
        (referencePdf + offset).update(from: other.referencePdf, count: count)
        (density + offset).update(from: other.density, count: count)
    }
}
