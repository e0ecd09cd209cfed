import Dispatch

/// Wraps a value that is only ever used under a fork–join barrier, so that
/// `concurrentPerform`'s `@Sendable` closure can capture it. The callers
/// guarantee disjoint writes per worker.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
}

/// Fork–join over `workers` indices. `body(worker)` runs once per worker; with
/// one worker it runs inline (no dispatch overhead for tiny batches).
///
/// Why not `async`/TaskGroup: the hot loops are synchronous numeric code that
/// wants exactly one thread per core and a barrier; `concurrentPerform` is
/// that, with no allocation per task.
func parallelFor(workers: Int, _ body: (Int) -> Void) {
    if workers <= 1 {
        body(0)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = UncheckedSendableBox(value: escapable)
        DispatchQueue.concurrentPerform(iterations: workers) { w in box.value(w) }
    }
}
