package io.sparkconv.kernels.cpu;

/**
 * The innermost loops of the CPU convolution backend, in two implementations with identical
 * contracts: {@link ScalarKernels} (plain Java) and {@code VectorKernels} (the Vector API, loaded
 * only after {@link CpuKernelsProvider} has probed the module). Everything around them (packing,
 * blocking, threading) is shared, so the scalar fallback runs the same blocked algorithm.
 *
 * <p>Glossary: MR rows (output channels) × NR columns (output positions) per register tile; a is
 * packed weights {@code [kc][MR]}, b is a packed input panel {@code [kc][NR]}, c is the output with
 * row stride ldc. Implementations are stateless and thread-safe.
 */
interface CpuKernels {
  /** For logs and reasons, e.g. {@code Vector API 512-bit} or {@code scalar}. */
  String description();

  /** Rows of the register tile (output channels). */
  int mr();

  /** Columns of the register tile (output positions); a multiple of the vector length. */
  int nr();

  /** float32 lanes per vector: 16 on 512-bit vectors, 1 for the scalar kernels. */
  int lanes();

  /**
   * The probe behind {@link FmaPeak}: {@code rounds} rounds of 16 independent float32 multiply-adds
   * of {@link #lanes()} lanes each, all in registers (no memory operands), so that a core runs them
   * at its FMA throughput. Returns a sum that depends on every one of them.
   */
  default double fmaRounds(int rounds) {
    float a = 0.999f;
    float b = 1e-3f;
    float c0 = 0;
    float c1 = 1;
    float c2 = 2;
    float c3 = 3;
    float c4 = 4;
    float c5 = 5;
    float c6 = 6;
    float c7 = 7;
    float c8 = 8;
    float c9 = 9;
    float c10 = 10;
    float c11 = 11;
    float c12 = 12;
    float c13 = 13;
    float c14 = 14;
    float c15 = 15;
    for (int r = 0; r < rounds; r++) {
      c0 = Math.fma(c0, a, b);
      c1 = Math.fma(c1, a, b);
      c2 = Math.fma(c2, a, b);
      c3 = Math.fma(c3, a, b);
      c4 = Math.fma(c4, a, b);
      c5 = Math.fma(c5, a, b);
      c6 = Math.fma(c6, a, b);
      c7 = Math.fma(c7, a, b);
      c8 = Math.fma(c8, a, b);
      c9 = Math.fma(c9, a, b);
      c10 = Math.fma(c10, a, b);
      c11 = Math.fma(c11, a, b);
      c12 = Math.fma(c12, a, b);
      c13 = Math.fma(c13, a, b);
      c14 = Math.fma(c14, a, b);
      c15 = Math.fma(c15, a, b);
    }
    return (double) c0
        + c1
        + c2
        + c3
        + c4
        + c5
        + c6
        + c7
        + c8
        + c9
        + c10
        + c11
        + c12
        + c13
        + c14
        + c15;
  }

  /**
   * {@code c[r][j] (+)= bias[r] + Σ_k a[k][r]·b[k][j]} for {@code r < rows, j < cols}.
   *
   * @param bias null for none; read only when {@code accumulate} is false
   * @param accumulate add to c's current values (later K blocks) instead of starting from bias
   * @param edge scratch of at least {@code mr()·nr()} floats, used when the tile is partial
   */
  void gemmTile(
      float[] a,
      int aOff,
      float[] b,
      int bOff,
      int kc,
      float[] bias,
      int biasOff,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc,
      int rows,
      int cols,
      float[] edge);

  /** Input channels per block of {@link BlockedConv}'s input layout and of {@link #blockedTile}. */
  int BLOCK_C = 16;

  /** Fewest output positions of a {@link #blockedTile}. */
  int BLOCK_MIN_WIDTH = 7;

  /** Most output positions of a {@link #blockedTile}. */
  int BLOCK_MAX_WIDTH = 14;

  /**
   * Output channels of a {@link #blockedTile}: 32 where the tile runs from registers (two 512-bit
   * vectors per position, 2·14 accumulators of the 32 registers), 0 where it would not (shorter
   * vectors, or the scalar kernels): {@link BlockedConv} then does not apply.
   */
  int blockedOc();

  /**
   * Output positions per vector of {@link #groupRows}: runs narrower than this do not go to {@link
   * GroupedConv}; 0 where it does not apply at all (the scalar kernels, whose GEMM is as fast).
   */
  int groupedWidth();

  /**
   * One register tile of {@link BlockedConv}: {@code width} consecutive output positions × OC =
   * {@link #blockedOc()} (or 32 for the scalar kernels) output channels, {@code t[tOff + j·ld + o]
   * = bias[biasOff + o] + Σ_tap Σ_{c<16} w[wOff + (tap·16 + c)·OC + o] · x[xOff + taps[tap] + j·16
   * + c]} for {@code j < width, o < OC}, taps in array order. The input is channel-blocked (16
   * channels of one position in a row), so position j of a tap reads 16 consecutive floats.
   *
   * @param bias null for none (0)
   * @param width in {@code [BLOCK_MIN_WIDTH, BLOCK_MAX_WIDTH]}
   * @param t at least {@code tOff + (width − 1)·ld + OC} floats
   * @param ld floats from one output position to the next in {@code t}, at least OC (more where the
   *     positions of several tiles interleave: the column phases of a transposed convolution)
   */
  void blockedTile(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      int width,
      float[] t,
      int tOff,
      int ld);

  /**
   * Two {@link #blockedTile}s of {@link #BLOCK_MIN_WIDTH} positions in one (rows of 7×7 maps): the
   * second reads its input {@code rowOff} floats after the first's and writes its outputs {@code
   * tRow} floats after the first's, so both rows share each weight load.
   */
  void blockedPairTile(
      float[] x,
      int xOff,
      int rowOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int tRow,
      int ld);

  /**
   * Writes {@code count} positions of blocked output rows as planar rows: {@code y[d + o·ldy + j] =
   * t[j·oc + o]} for {@code o < oc, j < count}, 16 channels at a time ({@link #unblockPositions}).
   */
  default void unblockRows(float[] t, int oc, float[] y, int d, int ldy, int count) {
    for (int o = 0; o < oc; o += BLOCK_C) {
      unblockPositions(t, o, oc, y, d + o * ldy, ldy, Math.min(BLOCK_C, oc - o), count);
    }
  }

  /**
   * One row of {@link BlockedConv}'s input layout: {@code s[d + r·16 + c] = x[src + planes[c] +
   * r·step]} for {@code r < count, c < 16} (16 channel planes side by side, every step-th column).
   */
  void blockRow(float[] x, int src, int[] planes, int step, float[] s, int d, int count);

  /**
   * Channel-blocks {@code count} positions of up to 16 planar channel rows {@code stride} apart:
   * {@code p[pBase + map[mapOff + j] + c] = x[xOff + min(c, last)·stride + j]} for {@code j <
   * count, c < 16}. Lanes past {@code last} repeat channel {@code last}, so a partial block reads
   * nothing past its own channels; the map may send several positions to one discarded slot.
   */
  void blockPositions(
      float[] x,
      int xOff,
      int stride,
      int last,
      float[] p,
      int pBase,
      int[] map,
      int mapOff,
      int count);

  /**
   * Planar rows from channel-blocked positions {@code ld} apart: {@code y[yOff + c·ldy + j] =
   * t[tOff + j·ld + c]} for {@code j < count, c < channels ≤ 16}.
   */
  void unblockPositions(
      float[] t, int tOff, int ld, float[] y, int yOff, int ldy, int channels, int count);

  /**
   * Depthwise convolution of 16 channels at once over a channel-blocked input: {@code o[oOff + j·16
   * + c] = bias[bOff + c] + Σ_t w[wOff + t·16 + c] · p[pOff + j·step + taps[t] + c]} for {@code j <
   * count, c < 16}, taps in array order.
   *
   * @param kw taps per kernel row ({@code taps} holds whole rows)
   * @param bias null for none (0)
   */
  void depthwiseBlocked(
      float[] p,
      int pOff,
      int step,
      int[] taps,
      int kw,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff,
      int count);

  /** Columns of the float64 register tile. */
  int nrD();

  /** The float64 twin of {@link #gemmTile}: MR × {@link #nrD()} tiles. */
  void gemmTileD(
      double[] a,
      int aOff,
      double[] b,
      int bOff,
      int kc,
      double[] bias,
      int biasOff,
      boolean accumulate,
      double[] c,
      int cOff,
      int ldc,
      int rows,
      int cols,
      double[] edge);

  /**
   * A full MR × NR tile read straight from a (padded) input: {@code c[cOff + r·ldc + j] (+)=
   * bias[r] + Σ_{k<kc} a[aOff + k·MR + r] · x[xBase + offs[offOff + k] + j]} for every {@code r <
   * rows, j < NR} (the caller's buffer has MR rows; rows at or past {@code rows} may be written
   * from the zero-padded weights, without bias, or left as they are: the vector kernels run a 4- or
   * 2-row tile for such few rows). {@code x} must hold every index read.
   *
   * @param accumulate add to c (later K blocks) instead of starting from the bias
   * @param prefetch 0, or a distance d (floats) at which the kernel also reads two cache lines,
   *     {@code x[xBase + offs[k] + d]}, to bring the next panel in early; the caller guarantees
   *     those indices are inside x (the scalar kernels ignore it)
   */
  void gemmTileShift(
      float[] a,
      int aOff,
      float[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      float[] bias,
      int biasOff,
      int rows,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc,
      int prefetch);

  /** The float64 twin of {@link #gemmTileShift}, NR = {@link #nrD()}. */
  void gemmTileShiftD(
      double[] a,
      int aOff,
      double[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      double[] bias,
      int biasOff,
      int rows,
      boolean accumulate,
      double[] c,
      int cOff,
      int ldc,
      int prefetch);

  /**
   * {@link #gemmTileShift} that also stores the B rows it reads, {@code x[xBase + offs[offOff + k]
   * ...]} for k &lt; kc, as a packed panel {@code pb[pbOff + k·NR ...]} for the tiles of the other
   * row blocks; {@code edge} as in {@link #gemmTile}.
   */
  default void gemmTileShiftPack(
      float[] a,
      int aOff,
      float[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      float[] bias,
      int biasOff,
      int rows,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc,
      int prefetch,
      float[] pb,
      int pbOff,
      float[] edge) {
    for (int k = 0; k < kc; k++) {
      System.arraycopy(x, xBase + offs[offOff + k], pb, pbOff + k * nr(), nr());
    }
    gemmTile(a, aOff, pb, pbOff, kc, bias, biasOff, accumulate, c, cOff, ldc, rows, nr(), edge);
  }

  /** The float64 twin of {@link #gemmTileShiftPack}, NR = {@link #nrD()}. */
  default void gemmTileShiftPackD(
      double[] a,
      int aOff,
      double[] x,
      int xBase,
      int[] offs,
      int offOff,
      int kc,
      double[] bias,
      int biasOff,
      int rows,
      boolean accumulate,
      double[] c,
      int cOff,
      int ldc,
      int prefetch,
      double[] pb,
      int pbOff,
      double[] edge) {
    for (int k = 0; k < kc; k++) {
      System.arraycopy(x, xBase + offs[offOff + k], pb, pbOff + k * nrD(), nrD());
    }
    gemmTileD(a, aOff, pb, pbOff, kc, bias, biasOff, accumulate, c, cOff, ldc, rows, nrD(), edge);
  }

  /** Output channels per call of {@link #groupRows}. */
  int GROUP_OUT = 4;

  /**
   * {@code rows} output rows of up to {@link #GROUP_OUT} output channels of one group of a grouped
   * convolution with few input channels per group, over that group's zero-padded input planes: for
   * {@code o < nOut, r < rows, j < count}, {@code y[yOff + o·ldy + r·yStep + j] = bias[bOff + o] +
   * Σ_k w[wOff + k·4 + o] · x[xOff + r·xStep + taps[k] + j]}, k over every input channel's taps
   * ({@code taps[c·T + t]} = channel c's plane offset + tap t's); {@code bias} may be null. The
   * weights of channels {@code o ≥ nOut} are read (zero in the plan) but their rows not written.
   */
  void groupRows(
      float[] x,
      int xOff,
      int xStep,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      int nOut,
      float[] y,
      int yOff,
      int ldy,
      int yStep,
      int rows,
      int count);

  /**
   * {@code rows} output rows of a depthwise (one input channel per output channel) convolution,
   * stride 1 in width, over a zero-padded plane: {@code y[yOff + r·yStep + j] = bias + Σ_t w[wOff +
   * t] · x[xOff + r·xStep + taps[t] + j]} for {@code r < rows, j < count}, taps in kernel order
   * ({@code taps[t] = kh·dH·pitch + kw·dW}, {@code xStep = sH·pitch}).
   */
  void depthwiseRows(
      float[] x,
      int xOff,
      int xStep,
      int[] taps,
      float[] w,
      int wOff,
      float bias,
      float[] y,
      int yOff,
      int yStep,
      int rows,
      int count);

  /**
   * Winograd F(2×2, 3×3) input transform of NR tiles at once (tile = lane): {@code d[e] = s[base +
   * off[e] + j]} for the 16 elements e = 4·row + col of each tile's 4×4 patch, {@code V = Bᵀ d B},
   * stored as {@code v[vOff + ξ·vStride + j]} for ξ < 16, j < NR.
   */
  void winogradInput(float[] s, int base, int[] off, float[] v, int vOff, int vStride);

  /**
   * Winograd F(2×2, 3×3) output transform of NR tiles: {@code Y = Aᵀ M A + bias} with {@code M[ξ] =
   * m[mOff + ξ·mStride + j]}; the 2×2 outputs go to {@code out[outOff + (2·a + b)·NR + j]}.
   */
  void winogradOutput(float[] m, int mOff, int mStride, float bias, float[] out, int outOff);

  /**
   * Winograd F(4×4, 3×3) input transform of NR tiles: 6×6 patches {@code d[e] = s[base + off[e] +
   * j]}, {@code V = Bᵀ d B} with Lavin's {@code Bᵀ = [[4, 0, −5, 0, 1, 0], [0, −4, −4, 1, 1, 0],
   * [0, 4, −4, −1, 1, 0], [0, −2, −1, 2, 1, 0], [0, 2, −1, −2, 1, 0], [0, 4, 0, −5, 0, 1]]}, stored
   * as {@code v[vOff + ξ·vStride + j]} for ξ = 6·i + k < 36. Both kernel sets run the same sequence
   * of fused multiply-adds, so their results are identical.
   */
  void winograd43Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride);

  /**
   * Winograd F(4×4, 3×3) output transform of NR tiles, {@code Aᵀ = [[1, 1, 1, 1, 1, 0], [0, 1, −1,
   * 2, −2, 0], [0, 1, 1, 4, 4, 0], [0, 1, −1, 8, −8, 1]]}: {@code Y = Aᵀ M A + bias} with {@code
   * M[ξ] = m[mOff + ξ·mStride + j]} (ξ < 36); outputs to {@code out[outOff + (4·a + b)·NR + j]}.
   * May overwrite the m entries it reads (intermediate sums).
   */
  void winograd43Output(float[] m, int mOff, int mStride, float bias, float[] out, int outOff);

  /**
   * Winograd F(4×4, 2×2) input transform of NR tiles: 5×5 patches {@code d[e] = s[base + off[e] +
   * j]}, {@code V = Bᵀ d B} with {@code Bᵀ = [[2, −1, −2, 1, 0], [0, −2, −1, 1, 0], [0, 2, −3, 1,
   * 0], [0, −1, 0, 1, 0], [0, 2, −1, −2, 1]]} (points 0, 1, −1, 2, ∞), stored as {@code v[vOff +
   * ξ·vStride + j]} for ξ = 5·i + k < 25. Both kernel sets run the same operations in the same
   * order.
   */
  void winograd42Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride);

  /**
   * Winograd F(4×4, 2×2) output transform of NR tiles, {@code Aᵀ = [[1, 1, 1, 1, 0], [0, 1, −1, 2,
   * 0], [0, 1, 1, 4, 0], [0, 1, −1, 8, 1]]}: {@code Y = Aᵀ M A + bias} with {@code M[ξ] = m[mOff +
   * ξ·mStride + j]} (ξ < 25); outputs to {@code out[outOff + (4·a + b)·NR + j]}. May overwrite the
   * m entries it reads (intermediate sums).
   */
  void winograd42Output(float[] m, int mOff, int mStride, float bias, float[] out, int outOff);

  /**
   * Winograd F(2×2, 2×2) input transform of NR tiles: 3×3 patches {@code d[e] = s[base + off[e] +
   * j]}, {@code V = Bᵀ d B} with {@code Bᵀ = [[1, −1, 0], [0, 1, 0], [0, −1, 1]]}, stored as {@code
   * v[vOff + ξ·vStride + j]} for ξ < 9.
   */
  void winograd22Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride);

  /**
   * Winograd F(2×2, 2×2) output transform of NR tiles, {@code Aᵀ = [[1, 1, 0], [0, 1, 1]]}: {@code
   * Y = Aᵀ M A + bias} with {@code M[ξ] = m[mOff + ξ·mStride + j]} (ξ < 9); outputs to {@code
   * out[outOff + (2·a + b)·NR + j]}.
   */
  void winograd22Output(float[] m, int mOff, int mStride, float bias, float[] out, int outOff);

  /**
   * {@code y[d + 2i] = c[a + i]} and {@code y[d + 2i + 1] = c[b + i]} for {@code i < count}: two
   * column phases of an output row woven together (ConvTranspose2d stride 2). Writes nothing past
   * {@code y[d + 2·count − 1]}.
   */
  default void interleave2(float[] c, int a, int b, float[] y, int d, int count) {
    for (int i = 0; i < count; i++) {
      y[d + 2 * i] = c[a + i];
      y[d + 2 * i + 1] = c[b + i];
    }
  }

  /**
   * {@code y[d + 4i + b] = c[a + b·stride + i]} for {@code b < 4, i < count}: four column phases of
   * an output row woven together (the 4-wide tiles of Winograd F(4×4, 3×3)). Writes nothing past
   * {@code y[d + 4·count − 1]}.
   */
  default void interleave4(float[] c, int a, int stride, float[] y, int d, int count) {
    for (int i = 0; i < count; i++) {
      for (int b = 0; b < 4; b++) {
        y[d + 4 * i + b] = c[a + b * stride + i];
      }
    }
  }

  /** The float64 twin of {@link #interleave2} (scalar in both kernel sets). */
  default void interleave2D(double[] c, int a, int b, double[] y, int d, int count) {
    for (int i = 0; i < count; i++) {
      y[d + 2 * i] = c[a + i];
      y[d + 2 * i + 1] = c[b + i];
    }
  }

  /**
   * {@code s[d0 + j] = r[src + 2j]} and {@code s[d1 + j] = r[src + 2j + 1]} for {@code j < count}:
   * a row split into its two stride-2 column phases. Reads no index past {@code src + 2·count − 1}.
   */
  default void deinterleave2(float[] r, int src, float[] s, int d0, int d1, int count) {
    for (int j = 0; j < count; j++) {
      s[d0 + j] = r[src + 2 * j];
      s[d1 + j] = r[src + 2 * j + 1];
    }
  }

  /**
   * {@code s[d + b·step + j] = r[src + 4j + b]} for {@code b < 4, j < count}: a row split into its
   * four stride-4 column phases. Reads no index past {@code src + 4·count − 1}.
   */
  default void deinterleave4(float[] r, int src, float[] s, int d, int step, int count) {
    for (int j = 0; j < count; j++) {
      for (int b = 0; b < 4; b++) {
        s[d + b * step + j] = r[src + 4 * j + b];
      }
    }
  }

  /**
   * {@code s[d + j] = r[src + u·j]} for {@code j < count}: one column phase of a row split by
   * stride u. Reads no index past {@code src + u·(count − 1)}.
   */
  default void stridedCopy(float[] r, int src, int u, float[] s, int d, int count) {
    for (int j = 0; j < count; j++) {
      s[d + j] = r[src + u * j];
    }
  }

  /**
   * {@code b[d + i·step + j] = x[src + i·NR + j]} for {@code i < count, j < NR}: a stretch of
   * {@code count} panels of one row, each to its own packed panel.
   */
  default void scatterPanels(float[] x, int src, float[] b, int d, int step, int count) {
    int nr = nr();
    for (int i = 0; i < count; i++) {
      System.arraycopy(x, src + i * nr, b, d + i * step, nr);
    }
  }

  /**
   * {@code m[d + j] = s[o + idx[j]]} for {@code j < nr()}: one element of a panel's tiles gathered
   * from anywhere in {@code s}.
   */
  default void gatherPanel(float[] s, int o, int[] idx, float[] m, int d) {
    for (int j = 0; j < nr(); j++) {
      m[d + j] = s[o + idx[j]];
    }
  }

  /** The float64 twin of {@link #scatterPanels}, NR = {@link #nrD()} (scalar in both sets). */
  default void scatterPanelsD(double[] x, int src, double[] b, int d, int step, int count) {
    int nr = nrD();
    for (int i = 0; i < count; i++) {
      System.arraycopy(x, src + i * nr, b, d + i * step, nr);
    }
  }

  /** The float64 twin of {@link #stridedCopy} (scalar in both kernel sets). */
  default void stridedCopyD(double[] r, int src, int u, double[] s, int d, int count) {
    for (int j = 0; j < count; j++) {
      s[d + j] = r[src + u * j];
    }
  }

  /** The float64 twin of {@link #deinterleave4} (scalar in both kernel sets). */
  default void deinterleave4D(double[] r, int src, double[] s, int d, int step, int count) {
    for (int j = 0; j < count; j++) {
      for (int b = 0; b < 4; b++) {
        s[d + b * step + j] = r[src + 4 * j + b];
      }
    }
  }

  /** The float64 twin of {@link #deinterleave2} (scalar in both kernel sets). */
  default void deinterleave2D(double[] r, int src, double[] s, int d0, int d1, int count) {
    for (int j = 0; j < count; j++) {
      s[d0 + j] = r[src + 2 * j];
      s[d1 + j] = r[src + 2 * j + 1];
    }
  }
}
