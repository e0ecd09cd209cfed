import Foundation

/// Draws the training rows of the coming steps on background threads while
/// the current step trains.
///
/// Why: on two cores a bake ran its steps as "draw the rows (both cores),
/// then train on them (both cores)", but at batch 1024 the training step
/// hardly uses the second core — a 20 M-sample car-paint bake spent 23.2 s
/// training on 2 threads and 24.4 s on 1 (docs/BENCHMARKS.md "Where a whole
/// bake's time goes") — so one core idled through every training step while
/// rows, ≈ 70 % of the bake, waited. Here background threads (one on two
/// cores) keep drawing the chunks of the next steps; the training thread,
/// when it needs a step's rows,
/// draws whatever chunks of it are still undrawn itself and waits only for
/// the ones in progress.
///
/// The rows of step s are a function of (seed, s, chunk) alone
/// (`SeedMixer`), so which thread draws a chunk, and when, changes no bit: a
/// bake with the pipeline writes the same bytes as one without. (With
/// `--seconds` the plan can change after rows were drawn ahead: those rows
/// keep the smoothing cone of the plan they were drawn under; such bakes are
/// not bit-reproducible anyway.)
final class RowPipeline: @unchecked Sendable {
    /// Steps drawn ahead of the one training (plus the one training).
    static let depth = 3

    private enum ChunkState: UInt8 { case pending, drawing, drawn }

    private final class Slot {
        let rows: TrainingBatch
        var step: Int
        var states: [ChunkState]
        var drawn = 0
        init(rows: TrainingBatch, step: Int, chunks: Int) {
            self.rows = rows
            self.step = step
            states = Array(repeating: .pending, count: chunks)
        }
    }

    private let generator: TrainingDataGenerator
    private let batchRows: Int
    private let seed: UInt64
    private let tapsAtCoarse: Int
    private let chunks: Int
    private let cone: @Sendable (_ step: Int, _ smoothingSteps: Int) -> Float
    private let slots: [Slot]
    private let condition = NSCondition()
    /// Steps at or past this are not drawn (the plan's end).
    private var endStep: Int
    private var smoothingSteps: Int
    /// The step whose rows the trainer holds (its slot is recycled on the next request).
    private var heldStep: Int?
    private var stopping = false
    /// `whilePaused`: the background threads draw nothing.
    private var paused = false
    /// Background threads drawing a chunk right now.
    private var drawingInBackground = 0
    private let drawers: Int
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts `drawers` background threads drawing from `firstStep`.
    /// `cone(step, smoothingSteps)` is the smoothing cone's half-angle in
    /// radians (`Baker.coneRadians`).
    init(generator: TrainingDataGenerator, batchRows: Int, seed: UInt64, tapsAtCoarse: Int, firstStep: Int,
         endStep: Int, smoothingSteps: Int, drawers: Int = 1,
         cone: @escaping @Sendable (_ step: Int, _ smoothingSteps: Int) -> Float) {
        self.generator = generator
        self.batchRows = batchRows
        self.seed = seed
        self.tapsAtCoarse = tapsAtCoarse
        self.endStep = endStep
        self.smoothingSteps = smoothingSteps
        self.cone = cone
        let chunks = TrainingDataGenerator.chunkCount(rows: batchRows)
        self.chunks = chunks
        // Slot i holds the step ≡ i (mod depth).
        slots = (0..<Self.depth).map { i in
            let step = firstStep + ((i - firstStep) % Self.depth + Self.depth) % Self.depth
            return Slot(rows: TrainingBatch(capacity: batchRows), step: step, chunks: chunks)
        }
        self.drawers = max(1, drawers)
        // The threads hold the pipeline until `stop()`.
        for _ in 0..<self.drawers {
            let thread = Thread { self.drawInBackground() }
            thread.name = "lacquer-rows"
            thread.start()
        }
    }

    /// Updates the plan (`--seconds` moves the end and the smoothing steps).
    func plan(endStep: Int, smoothingSteps: Int) {
        condition.lock()
        if endStep != self.endStep || smoothingSteps != self.smoothingSteps {
            self.endStep = endStep
            self.smoothingSteps = smoothingSteps
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The rows of `step`, complete. The previous step's rows are given up
    /// (their slot is redrawn for a later step), so the trainer must be done
    /// with them; the returned rows stay valid until the next call.
    func rows(for step: Int) -> TrainingBatch {
        condition.lock()
        defer { condition.unlock() }
        if let held = heldStep, held != step { recycle(slots[held % Self.depth], after: held) }
        heldStep = step
        let slot = slots[step % Self.depth]
        precondition(slot.step == step, "RowPipeline: step \(step) asked out of order")
        while slot.drawn < chunks {
            if let c = slot.states.firstIndex(of: .pending) {
                draw(slot, chunk: c)
            } else if let (later, c) = nextWork() {
                draw(later, chunk: c)   // the rest is being drawn: draw ahead meanwhile instead of idling
            } else {
                condition.wait()
            }
        }
        return slot.rows
    }

    /// Runs `body` while the background threads draw nothing (they finish
    /// the chunks in progress first): `--seconds` times a batch's rows on
    /// the cores alone.
    func whilePaused<R>(_ body: () -> R) -> R {
        condition.lock()
        paused = true
        while drawingInBackground > 0 { condition.wait() }
        condition.unlock()
        defer {
            condition.lock()
            paused = false
            condition.broadcast()
            condition.unlock()
        }
        return body()
    }

    /// Stops the background threads (waits for the chunks they are drawing).
    /// Must be called: the threads keep the pipeline alive until then.
    func stop() {
        condition.lock()
        let wasRunning = !stopping
        stopping = true
        condition.broadcast()
        condition.unlock()
        if wasRunning { for _ in 0..<drawers { stopped.wait() } }
    }

    // MARK: - Drawing (called with the lock held)

    private func recycle(_ slot: Slot, after step: Int) {
        slot.step = step + Self.depth
        for c in slot.states.indices { slot.states[c] = .pending }
        slot.drawn = 0
        condition.broadcast()
    }

    /// Draws chunk `c` of `slot` outside the lock.
    private func draw(_ slot: Slot, chunk c: Int) {
        slot.states[c] = .drawing
        let step = slot.step
        let radians = cone(step, smoothingSteps)
        condition.unlock()
        generator.fillChunk(c, of: slot.rows, rows: batchRows, seed: seed, step: step, purpose: 1,
                            coneRadians: radians, tapsAtCoarse: tapsAtCoarse)
        condition.lock()
        slot.states[c] = .drawn
        slot.drawn += 1
        condition.broadcast()
    }

    /// The next undrawn chunk, earliest step first (the held step's too:
    /// while the trainer waits for it, both threads draw it).
    private func nextWork() -> (Slot, Int)? {
        var best: (Slot, Int)?
        for slot in slots where slot.step < endStep && slot.drawn < chunks {
            guard let c = slot.states.firstIndex(of: .pending) else { continue }
            if best == nil || slot.step < best!.0.step { best = (slot, c) }
        }
        return best
    }

    private func drawInBackground() {
        condition.lock()
        while !stopping {
            if !paused, let (slot, c) = nextWork() {
                drawingInBackground += 1
                draw(slot, chunk: c)
                drawingInBackground -= 1
                condition.broadcast()
            } else {
                condition.wait()
            }
        }
        condition.unlock()
        stopped.signal()
    }
}
