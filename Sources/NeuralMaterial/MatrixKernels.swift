import CTrainingKernels

/// Dense matrix kernels for the decoders' batched forward and backward passes.
///
/// The decoders are tiny (≤ 64 wide) and the batches large (256–4096 rows),
/// so the useful shape is "many rows × a narrow weight matrix". Every product
/// the training step needs is one kernel, C[M×N] (+)= A[M×K]·B[K×N], with A
/// addressed through strides so that a transposed operand costs nothing:
///
///  - forward      Y  = X·Wᵀ + b   A = X,   B = Wᵀ (pre-transposed, [in×out])
///  - input grad   dX = dY·W       A = dY,  B = W  ([out×in] as stored)
///  - weight grad  dW += dYᵀ·X     A = dYᵀ (strides swapped), B = X
///
/// The micro-kernel keeps a 4×8 tile of C in registers (8 SSE or 4 AVX
/// registers), broadcasts one A element per row and streams a row of B — the
/// same register blocking a BLAS uses, small enough that the baseline x86-64
/// (SSE2) build does not spill. The compiler turns `SIMD8<Float>` arithmetic
/// into vector instructions; there is no Accelerate on Linux and no BLAS
/// dependency (see the throughput notes in docs/NMAT_FORMAT.md).
///
/// This Swift code is the `portable` path. On x86-64 CPUs with AVX2 + FMA or
/// AVX-512, `gemm` hands the same product to the C kernels of that
/// instruction set (`TrainingISA`, `Sources/CTrainingKernels`).
public enum MatrixKernels {

    /// C[m, n] = (accumulate ? C[m, n] : bias[n] or 0) + Σ_k A(m, k)·B[k, n], then
    /// optionally max(0, ·).
    ///
    /// - Parameters:
    ///   - a: A(m, k) is at `a[m * aRowStride + k * aColStride]`.
    ///   - b: row-major [K×N] with row stride `n`.
    ///   - c: row-major [M×N] with row stride `n`.
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
                            b: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>,
                            bias: UnsafePointer<Float>? = nil,
                            accumulate: Bool = false,
                            relu: Bool = false,
                            isa: TrainingISA = .active) {
        switch isa.runnable {
        case .avx2FMA:
            lq_gemm_avx2_fma(m, n, k, a, aRowStride, aColStride, b, c, bias, accumulate ? 1 : 0, relu ? 1 : 0)
            return
        case .avx512:
            lq_gemm_avx512(m, n, k, a, aRowStride, aColStride, b, c, bias, accumulate ? 1 : 0, relu ? 1 : 0)
            return
        case .portable:
            break
        }
        let n8 = n & ~7
        var row = 0
        while row + 4 <= m {
            var col = 0
            while col < n8 {
                tile4x8(row: row, col: col, n: n, k: k, a: a, ars: aRowStride, acs: aColStride, b: b, c: c, bias: bias, accumulate: accumulate, relu: relu)
                col += 8
            }
            var tail = n8
            if n - tail >= 4 {
                tile4x4(row: row, col: tail, n: n, k: k, a: a, ars: aRowStride, acs: aColStride, b: b, c: c, bias: bias, accumulate: accumulate, relu: relu)
                tail += 4
            }
            if tail < n {
                tile4xTail(row: row, colStart: tail, n: n, k: k, a: a, ars: aRowStride, acs: aColStride, b: b, c: c, bias: bias, accumulate: accumulate, relu: relu)
            }
            row += 4
        }
        while row < m {
            var col = 0
            while col < n8 {
                tile1x8(row: row, col: col, n: n, k: k, a: a, ars: aRowStride, acs: aColStride, b: b, c: c, bias: bias, accumulate: accumulate, relu: relu)
                col += 8
            }
            if n8 < n {
                scalarRow(row: row, colStart: n8, n: n, k: k, a: a, ars: aRowStride, acs: aColStride, b: b, c: c, bias: bias, accumulate: accumulate, relu: relu)
            }
            row += 1
        }
    }

    @inline(__always)
    private static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func tile4x8(row: Int, col: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, ars: Int, acs: Int,
                                b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                bias: UnsafePointer<Float>?, accumulate: Bool, relu: Bool) {
        let c0 = c + row * n + col
        var acc0: SIMD8<Float>, acc1: SIMD8<Float>, acc2: SIMD8<Float>, acc3: SIMD8<Float>
        if accumulate {
            acc0 = load8(c0); acc1 = load8(c0 + n); acc2 = load8(c0 + 2 * n); acc3 = load8(c0 + 3 * n)
        } else if let bias {
            acc0 = load8(bias + col); acc1 = acc0; acc2 = acc0; acc3 = acc0
        } else {
            acc0 = .zero; acc1 = .zero; acc2 = .zero; acc3 = .zero
        }
        var pa0 = a + row * ars
        let pa1Off = ars, pa2Off = 2 * ars, pa3Off = 3 * ars
        var pb = b + col
        for _ in 0..<k {
            let bv = load8(pb)
            acc0 += SIMD8(repeating: pa0[0]) * bv
            acc1 += SIMD8(repeating: pa0[pa1Off]) * bv
            acc2 += SIMD8(repeating: pa0[pa2Off]) * bv
            acc3 += SIMD8(repeating: pa0[pa3Off]) * bv
            pa0 += acs
            pb += n
        }
        if relu {
            acc0.replace(with: 0, where: acc0 .< SIMD8<Float>())
            acc1.replace(with: 0, where: acc1 .< SIMD8<Float>())
            acc2.replace(with: 0, where: acc2 .< SIMD8<Float>())
            acc3.replace(with: 0, where: acc3 .< SIMD8<Float>())
        }
        store8(acc0, c0); store8(acc1, c0 + n); store8(acc2, c0 + 2 * n); store8(acc3, c0 + 3 * n)
    }

    /// 4 rows × 4 columns (the N % 8 ≥ 4 tail, e.g. 20-wide inputs).
    @inline(__always)
    private static func tile4x4(row: Int, col: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, ars: Int, acs: Int,
                                b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                bias: UnsafePointer<Float>?, accumulate: Bool, relu: Bool) {
        @inline(__always) func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self) }
        let c0 = c + row * n + col
        var acc0: SIMD4<Float>, acc1: SIMD4<Float>, acc2: SIMD4<Float>, acc3: SIMD4<Float>
        if accumulate {
            acc0 = load4(c0); acc1 = load4(c0 + n); acc2 = load4(c0 + 2 * n); acc3 = load4(c0 + 3 * n)
        } else if let bias {
            acc0 = load4(bias + col); acc1 = acc0; acc2 = acc0; acc3 = acc0
        } else {
            acc0 = SIMD4(); acc1 = SIMD4(); acc2 = SIMD4(); acc3 = SIMD4()
        }
        var pa = a + row * ars
        var pb = b + col
        for _ in 0..<k {
            let bv = load4(pb)
            acc0 += SIMD4(repeating: pa[0]) * bv
            acc1 += SIMD4(repeating: pa[ars]) * bv
            acc2 += SIMD4(repeating: pa[2 * ars]) * bv
            acc3 += SIMD4(repeating: pa[3 * ars]) * bv
            pa += acs
            pb += n
        }
        if relu {
            acc0.replace(with: 0, where: acc0 .< SIMD4<Float>()); acc1.replace(with: 0, where: acc1 .< SIMD4<Float>())
            acc2.replace(with: 0, where: acc2 .< SIMD4<Float>()); acc3.replace(with: 0, where: acc3 .< SIMD4<Float>())
        }
        @inline(__always) func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self) }
        store4(acc0, c0); store4(acc1, c0 + n); store4(acc2, c0 + 2 * n); store4(acc3, c0 + 3 * n)
    }

    /// 4 rows × the last 1–3 columns (e.g. the 3 RGB outputs), columns in a
    /// SIMD4 lane each so the four rows share one pass over k.
    @inline(__always)
    private static func tile4xTail(row: Int, colStart: Int, n: Int, k: Int,
                                   a: UnsafePointer<Float>, ars: Int, acs: Int,
                                   b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                   bias: UnsafePointer<Float>?, accumulate: Bool, relu: Bool) {
        let w = n - colStart
        var acc = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())
        for j in 0..<w {
            let init0: Float = bias?[colStart + j] ?? 0
            acc.0[j] = accumulate ? c[row * n + colStart + j] : init0
            acc.1[j] = accumulate ? c[(row + 1) * n + colStart + j] : init0
            acc.2[j] = accumulate ? c[(row + 2) * n + colStart + j] : init0
            acc.3[j] = accumulate ? c[(row + 3) * n + colStart + j] : init0
        }
        var pa = a + row * ars
        var pb = b + colStart
        @inline(__always) func step(_ bv: SIMD4<Float>) {
            acc.0 += SIMD4(repeating: pa[0]) * bv
            acc.1 += SIMD4(repeating: pa[ars]) * bv
            acc.2 += SIMD4(repeating: pa[2 * ars]) * bv
            acc.3 += SIMD4(repeating: pa[3 * ars]) * bv
            pa += acs
            pb += n
        }
        switch w {
        case 3: for _ in 0..<k { step(SIMD4(pb[0], pb[1], pb[2], 0)) }
        case 2: for _ in 0..<k { step(SIMD4(pb[0], pb[1], 0, 0)) }
        default: for _ in 0..<k { step(SIMD4(pb[0], 0, 0, 0)) }
        }
        for j in 0..<w {
            let v = SIMD4(acc.0[j], acc.1[j], acc.2[j], acc.3[j])
            for r in 0..<4 { c[(row + r) * n + colStart + j] = relu ? max(v[r], 0) : v[r] }
        }
    }

    @inline(__always)
    private static func tile1x8(row: Int, col: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, ars: Int, acs: Int,
                                b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                bias: UnsafePointer<Float>?, accumulate: Bool, relu: Bool) {
        let c0 = c + row * n + col
        var acc: SIMD8<Float> = accumulate ? load8(c0) : (bias.map { load8($0 + col) } ?? .zero)
        var pa = a + row * ars
        var pb = b + col
        for _ in 0..<k {
            acc += SIMD8(repeating: pa[0]) * load8(pb)
            pa += acs
            pb += n
        }
        if relu { acc.replace(with: 0, where: acc .< SIMD8<Float>()) }
        store8(acc, c0)
    }

    @inline(__always)
    private static func scalarRow(row: Int, colStart: Int, n: Int, k: Int,
                                  a: UnsafePointer<Float>, ars: Int, acs: Int,
                                  b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                  bias: UnsafePointer<Float>?, accumulate: Bool, relu: Bool) {
        let pa = a + row * ars
        for col in colStart..<n {
            var s: Float = accumulate ? c[row * n + col] : (bias?[col] ?? 0)
            for kk in 0..<k { s += pa[kk * acs] * b[kk * n + col] }
            c[row * n + col] = relu ? max(s, 0) : s
        }
    }

    // MARK: - The three products of a linear layer

    /// Y[rows×out] = X[rows×in]·Wᵀ + b, with `wT` the pre-transposed weight [in×out].
    public static func linearForward(x: UnsafePointer<Float>, rows: Int, inputs: Int,
                                     wT: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outputs: Int,
                                     y: UnsafeMutablePointer<Float>, relu: Bool, isa: TrainingISA = .active) {
        gemm(m: rows, n: outputs, k: inputs, a: x, aRowStride: inputs, aColStride: 1, b: wT, c: y, bias: bias, relu: relu, isa: isa)
    }

    /// The same with `activation` (nil: linear) applied to Y: ReLU fused into
    /// the product, the smooth ReLU as a pass over Y.
    public static func linearForward(x: UnsafePointer<Float>, rows: Int, inputs: Int,
                                     wT: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outputs: Int,
                                     y: UnsafeMutablePointer<Float>, activation: HiddenActivation?, isa: TrainingISA = .active) {
        linearForward(x: x, rows: rows, inputs: inputs, wT: wT, bias: bias, outputs: outputs, y: y, relu: activation == .relu, isa: isa)
        if activation == .smoothReLU { activate(.smoothReLU, y, count: rows * outputs, isa: isa) }
    }

    /// x[i] = activation(x[i]) in place (SmoothReLU.c for the smooth ReLU: the
    /// scalar definition's bits on every path).
    public static func activate(_ activation: HiddenActivation, _ x: UnsafeMutablePointer<Float>, count: Int, isa: TrainingISA = .active) {
        switch activation {
        case .relu: for i in 0..<count { x[i] = max(x[i], 0) }
        case .smoothReLU: isa.kernel(lq_smooth_relu_portable, lq_smooth_relu_avx2_fma, lq_smooth_relu_avx512)(x, count)
        }
    }

    /// dX[rows×in] = dY[rows×out]·W[out×in].
    public static func linearBackwardInput(dY: UnsafePointer<Float>, rows: Int, outputs: Int,
                                           w: UnsafePointer<Float>, inputs: Int,
                                           dX: UnsafeMutablePointer<Float>, isa: TrainingISA = .active) {
        gemm(m: rows, n: inputs, k: outputs, a: dY, aRowStride: outputs, aColStride: 1, b: w, c: dX, isa: isa)
    }

    /// dW[out×in] += dYᵀ·X and db[out] += Σ_rows dY.
    public static func linearBackwardWeights(dY: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int,
                                             inputs: Int, outputs: Int,
                                             dW: UnsafeMutablePointer<Float>, dB: UnsafeMutablePointer<Float>?,
                                             isa: TrainingISA = .active) {
        gemm(m: outputs, n: inputs, k: rows, a: dY, aRowStride: 1, aColStride: outputs, b: x, c: dW, accumulate: true, isa: isa)
        if let dB { addColumnSums(dY, rows: rows, columns: outputs, into: dB, isa: isa) }
    }

    /// x[i] = exp(x[i] − offset) in place, 16 values per vector (ExpActivation.c:
    /// within 2 ulp of expf, the same bits on every path).
    public static func expOffset(_ x: UnsafeMutablePointer<Float>, count: Int, offset: Float, isa: TrainingISA = .active) {
        isa.kernel(lq_exp_offset_portable, lq_exp_offset_avx2_fma, lq_exp_offset_avx512)(x, count, offset)
    }

    /// sums[c] += Σ_r m[r × columns + c], rows in order: the same sums on every path (Activations.c).
    public static func addColumnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>,
                                     isa: TrainingISA = .active) {
        isa.kernel(lq_add_column_sums_portable, lq_add_column_sums_avx2_fma, lq_add_column_sums_avx512)(m, rows, columns, sums)
    }

    /// dZ = dY ⊙ [y > 0] in place, with y the *post*-activation (ReLU'(z) = [z > 0] = [y > 0]).
    /// Runs in C (branch-free vector code, see Activations.c); `y` and `dY` must not overlap.
    public static func reluBackward(y: UnsafePointer<Float>, dY: UnsafeMutablePointer<Float>, count: Int, isa: TrainingISA = .active) {
        isa.kernel(lq_relu_backward_portable, lq_relu_backward_avx2_fma, lq_relu_backward_avx512)(y, dY, count)
    }

    /// dZ = dY ⊙ activation'(z) in place, from the post-activation y (both
    /// activations' slopes are functions of their output). No overlap.
    public static func activationBackward(_ activation: HiddenActivation, y: UnsafePointer<Float>, dY: UnsafeMutablePointer<Float>,
                                          count: Int, isa: TrainingISA = .active) {
        switch activation {
        case .relu: reluBackward(y: y, dY: dY, count: count, isa: isa)
        case .smoothReLU: isa.kernel(lq_smooth_relu_backward_portable, lq_smooth_relu_backward_avx2_fma, lq_smooth_relu_backward_avx512)(y, dY, count)
        }
    }

    /// Transposes a row-major [rows×cols] matrix into [cols×rows].
    public static func transpose(_ src: UnsafePointer<Float>, rows: Int, cols: Int, into dst: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { for c in 0..<cols { dst[c * rows + r] = src[r * cols + c] } }
    }
}
