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
   * One output row of a depthwise (one input channel per output channel) stride-1-in-width
   * convolution over a zero-padded plane: {@code y[yOff + j] = bias + Σ_{i<kh, t<kw} w[wOff + i·kw
   * + t] · x[xOff + i·dh·ldx + t·dw + j]} for {@code j < count}.
   */
  void depthwiseRow(
      float[] x,
      int xOff,
      int ldx,
      float[] w,
      int wOff,
      int kh,
      int kw,
      int dh,
      int dw,
      float bias,
      float[] y,
      int yOff,
      int count);
}
