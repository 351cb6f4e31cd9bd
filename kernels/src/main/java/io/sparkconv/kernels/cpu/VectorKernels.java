package io.sparkconv.kernels.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels ({@code SPECIES_PREFERRED}: 512-bit on AVX-512). Loaded only through {@link
 * CpuKernelsProvider} after the module probe succeeded: this is the only class that imports {@code
 * jdk.incubator.vector}.
 *
 * <p>The GEMM tile keeps MR × 2 vectors of accumulators in registers (16 of the 32 zmm registers),
 * loads two vectors of the packed input panel and broadcasts MR packed weights per k step.
 */
final class VectorKernels implements CpuKernels {
  private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
  private static final int LEN = SF.length();
  private static final int LEND = SD.length();
  static final int MR = 8;
  static final int NR = 2 * LEN;
  static final int NR_D = 2 * LEND;

  /**
   * Lane i takes lane {@code 2i mod LEN}: the even lanes of a vector in its low half and again in
   * its high half; blending two such vectors under {@link #HIGH_HALF} gives the even lanes of both.
   * One-vector shuffles compile to a single permute on Java 17 (the two-vector {@code rearrange}
   * does not, and is slower than a scalar loop).
   */
  private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(SF, i -> (2 * i) % LEN);

  /** Lane j takes lane j/2 (low halves spread out) or LEN/2 + j/2 (high halves). */
  private static final VectorShuffle<Float> SPREAD_LO = VectorShuffle.fromOp(SF, j -> j / 2);

  private static final VectorShuffle<Float> SPREAD_HI =
      VectorShuffle.fromOp(SF, j -> LEN / 2 + j / 2);

  private static final VectorMask<Float> ODD_LANES =
      VectorMask.fromLong(SF, 0xAAAA_AAAA_AAAA_AAAAL);

  /** Lane i takes lane {@code (2i + 1) mod LEN}: the odd lanes, as {@link #EVENS} the even. */
  private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(SF, i -> (2 * i + 1) % LEN);

  /** Output vector k of a 4-way interleave: lane L takes lane {@code k·LEN/4 + L/4}. */
  private static final VectorShuffle<Float> SPREAD4_0 = spread4(0);

  private static final VectorShuffle<Float> SPREAD4_1 = spread4(1);
  private static final VectorShuffle<Float> SPREAD4_2 = spread4(2);
  private static final VectorShuffle<Float> SPREAD4_3 = spread4(3);

  /** Lanes L with {@code L mod 4 == b}. */
  private static final VectorMask<Float> LANE_MOD4_1 = laneMod4(1);

  private static final VectorMask<Float> LANE_MOD4_2 = laneMod4(2);
  private static final VectorMask<Float> LANE_MOD4_3 = laneMod4(3);

  private static VectorShuffle<Float> spread4(int k) {
    return VectorShuffle.fromOp(SF, j -> k * LEN / 4 + j / 4);
  }

  private static VectorMask<Float> laneMod4(int b) {
    boolean[] bits = new boolean[LEN];
    for (int j = 0; j < LEN; j++) {
      bits[j] = j % 4 == b;
    }
    return VectorMask.fromArray(SF, bits, 0);
  }

  /** Phase b of a 4-way split: lane j takes lane {@code 4·(j mod LEN/4) + b}. */
  private static final VectorShuffle<Float> PICK4_0 = pick4(0);

  private static final VectorShuffle<Float> PICK4_1 = pick4(1);
  private static final VectorShuffle<Float> PICK4_2 = pick4(2);
  private static final VectorShuffle<Float> PICK4_3 = pick4(3);

  /** Lanes {@code [q·LEN/4, (q+1)·LEN/4)}. */
  private static final VectorMask<Float> QUARTER_1 = quarter(1);

  private static final VectorMask<Float> QUARTER_2 = quarter(2);
  private static final VectorMask<Float> QUARTER_3 = quarter(3);

  private static VectorShuffle<Float> pick4(int b) {
    return VectorShuffle.fromOp(SF, j -> 4 * (j % (LEN / 4)) + b);
  }

  private static VectorMask<Float> quarter(int q) {
    boolean[] bits = new boolean[LEN];
    for (int j = 0; j < LEN; j++) {
      bits[j] = j / (LEN / 4) == q;
    }
    return VectorMask.fromArray(SF, bits, 0);
  }

  private static final VectorMask<Float> HIGH_HALF =
      VectorMask.fromLong(SF, ((1L << LEN) - 1) & ~((1L << (LEN / 2)) - 1));

  /** Keeps the prefetching loads of {@link #gemmTileShift} alive (never read). */
  static float sink;

  static double sinkD;

  @Override
  public String description() {
    return "Vector API " + SF.vectorBitSize() + "-bit";
  }

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public int nrD() {
    return NR_D;
  }

  /** For the shapes the vector code does not cover (short vectors, short rows). */
  private static final ScalarKernels SCALAR = new ScalarKernels();

  /** Output channels of a blocked tile: two vectors. */
  private static final int BLOCK_OC = 2 * LEN;

  @Override
  public int lanes() {
    return LEN;
  }

  @Override
  public double fmaRounds(int rounds) {
    FloatVector a = FloatVector.broadcast(SF, 0.999f);
    FloatVector b = FloatVector.broadcast(SF, 1e-3f);
    FloatVector c0 = FloatVector.broadcast(SF, 0);
    FloatVector c1 = FloatVector.broadcast(SF, 1);
    FloatVector c2 = FloatVector.broadcast(SF, 2);
    FloatVector c3 = FloatVector.broadcast(SF, 3);
    FloatVector c4 = FloatVector.broadcast(SF, 4);
    FloatVector c5 = FloatVector.broadcast(SF, 5);
    FloatVector c6 = FloatVector.broadcast(SF, 6);
    FloatVector c7 = FloatVector.broadcast(SF, 7);
    FloatVector c8 = FloatVector.broadcast(SF, 8);
    FloatVector c9 = FloatVector.broadcast(SF, 9);
    FloatVector c10 = FloatVector.broadcast(SF, 10);
    FloatVector c11 = FloatVector.broadcast(SF, 11);
    FloatVector c12 = FloatVector.broadcast(SF, 12);
    FloatVector c13 = FloatVector.broadcast(SF, 13);
    FloatVector c14 = FloatVector.broadcast(SF, 14);
    FloatVector c15 = FloatVector.broadcast(SF, 15);
    for (int r = 0; r < rounds; r++) {
      c0 = c0.fma(a, b);
      c1 = c1.fma(a, b);
      c2 = c2.fma(a, b);
      c3 = c3.fma(a, b);
      c4 = c4.fma(a, b);
      c5 = c5.fma(a, b);
      c6 = c6.fma(a, b);
      c7 = c7.fma(a, b);
      c8 = c8.fma(a, b);
      c9 = c9.fma(a, b);
      c10 = c10.fma(a, b);
      c11 = c11.fma(a, b);
      c12 = c12.fma(a, b);
      c13 = c13.fma(a, b);
      c14 = c14.fma(a, b);
      c15 = c15.fma(a, b);
    }
    double sum = 0;
    sum += c0.reduceLanes(VectorOperators.ADD);
    sum += c1.reduceLanes(VectorOperators.ADD);
    sum += c2.reduceLanes(VectorOperators.ADD);
    sum += c3.reduceLanes(VectorOperators.ADD);
    sum += c4.reduceLanes(VectorOperators.ADD);
    sum += c5.reduceLanes(VectorOperators.ADD);
    sum += c6.reduceLanes(VectorOperators.ADD);
    sum += c7.reduceLanes(VectorOperators.ADD);
    sum += c8.reduceLanes(VectorOperators.ADD);
    sum += c9.reduceLanes(VectorOperators.ADD);
    sum += c10.reduceLanes(VectorOperators.ADD);
    sum += c11.reduceLanes(VectorOperators.ADD);
    sum += c12.reduceLanes(VectorOperators.ADD);
    sum += c13.reduceLanes(VectorOperators.ADD);
    sum += c14.reduceLanes(VectorOperators.ADD);
    sum += c15.reduceLanes(VectorOperators.ADD);
    return sum;
  }

  @Override
  public int groupedWidth() {
    return LEN;
  }

  @Override
  public int blockedOc() {
    // Shorter vectors: 16 registers (AVX2) cannot hold 2·14 accumulators, and 2·LEN channels
    // would halve the tile.
    return LEN == 16 ? BLOCK_OC : 0;
  }

  @Override
  public void blockRow(float[] x, int src, int[] planes, int step, float[] s, int d, int count) {
    if (LEN != BLOCK_C) {
      SCALAR.blockRow(x, src, planes, step, s, d, count);
      return;
    }
    // One gather per position: lane c from plane c.
    for (int r = 0, at = src; r < count; r++, at += step) {
      FloatVector.fromArray(SF, x, at, planes, 0).intoArray(s, d + r * BLOCK_C);
    }
  }

  @Override
  public void blockPositions(
      float[] x,
      int xOff,
      int stride,
      int last,
      float[] p,
      int pBase,
      int[] map,
      int mapOff,
      int count) {
    if (LEN != BLOCK_C || count < LEN) {
      SCALAR.blockPositions(x, xOff, stride, last, p, pBase, map, mapOff, count);
      return;
    }
    // The last chunk ends at count, overlapping the one before it: it rewrites equal values.
    for (int j = 0; ; j += LEN) {
      int at = Math.min(j, count - LEN);
      blockChunk(x, xOff + at, stride, last, p, pBase, map, mapOff + at);
      if (at + LEN >= count) {
        return;
      }
    }
  }

  @Override
  public void unblockPositions(
      float[] t, int tOff, int ld, float[] y, int yOff, int ldy, int channels, int count) {
    if (LEN != BLOCK_C || count < LEN) {
      SCALAR.unblockPositions(t, tOff, ld, y, yOff, ldy, channels, count);
      return;
    }
    for (int j = 0; ; j += LEN) {
      int at = Math.min(j, count - LEN);
      unblockChunk(t, tOff + at * ld, ld, y, yOff + at, ldy, channels);
      if (at + LEN >= count) {
        return;
      }
    }
  }

  @Override
  public void depthwiseBlocked(
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
      int count) {
    if (LEN != BLOCK_C) {
      SCALAR.depthwiseBlocked(p, pOff, step, taps, kw, w, wOff, bias, bOff, o, oOff, count);
      return;
    }
    FloatVector b = bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, bOff);
    int j = 0;
    // Unit-dilation kernel rows 3, 5 or 7 wide at stride 1 or 2 reuse each input load.
    boolean rows = kw > 1 && taps[1] - taps[0] == LEN && (step == LEN || step == 2 * LEN);
    if (count >= 8) {
      // Eight positions: eight independent FMA chains, one weight load per eight input loads. The
      // last step ends at count, recomputing the overlap to the same values.
      for (; ; j += 8) {
        int at = Math.min(j, count - 8);
        if (rows
            && depthwiseBlocked8(
                p,
                pOff + at * step,
                taps,
                kw,
                step / LEN,
                w,
                wOff,
                bias,
                bOff,
                o,
                oOff + at * LEN)) {
          if (at + 8 >= count) {
            return;
          }
          continue;
        }
        FloatVector a0 = b;
        FloatVector a1 = b;
        FloatVector a2 = b;
        FloatVector a3 = b;
        FloatVector a4 = b;
        FloatVector a5 = b;
        FloatVector a6 = b;
        FloatVector a7 = b;
        int xb = pOff + at * step;
        for (int t = 0; t < taps.length; t++) {
          FloatVector wv = FloatVector.fromArray(SF, w, wOff + t * LEN);
          int xi = xb + taps[t];
          a0 = wv.fma(FloatVector.fromArray(SF, p, xi), a0);
          a1 = wv.fma(FloatVector.fromArray(SF, p, xi + step), a1);
          a2 = wv.fma(FloatVector.fromArray(SF, p, xi + 2 * step), a2);
          a3 = wv.fma(FloatVector.fromArray(SF, p, xi + 3 * step), a3);
          a4 = wv.fma(FloatVector.fromArray(SF, p, xi + 4 * step), a4);
          a5 = wv.fma(FloatVector.fromArray(SF, p, xi + 5 * step), a5);
          a6 = wv.fma(FloatVector.fromArray(SF, p, xi + 6 * step), a6);
          a7 = wv.fma(FloatVector.fromArray(SF, p, xi + 7 * step), a7);
        }
        int ob = oOff + at * LEN;
        a0.intoArray(o, ob);
        a1.intoArray(o, ob + LEN);
        a2.intoArray(o, ob + 2 * LEN);
        a3.intoArray(o, ob + 3 * LEN);
        a4.intoArray(o, ob + 4 * LEN);
        a5.intoArray(o, ob + 5 * LEN);
        a6.intoArray(o, ob + 6 * LEN);
        a7.intoArray(o, ob + 7 * LEN);
        if (at + 8 >= count) {
          return;
        }
      }
    }
    for (; j < count; j++) {
      FloatVector a0 = b;
      int xb = pOff + j * step;
      for (int t = 0; t < taps.length; t++) {
        a0 =
            FloatVector.fromArray(SF, w, wOff + t * LEN)
                .fma(FloatVector.fromArray(SF, p, xb + taps[t]), a0);
      }
      a0.intoArray(o, oOff + j * LEN);
    }
  }

  // BLOCKED-BEGIN by kernels/src/build/gen_vector_kernels.py
  @Override
  public void blockedTile(
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
      int ld) {
    switch (width) {
      case 7 -> blocked7(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);
      case 8 -> blocked8(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);
      case 9 -> blocked9(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);
      case 10 -> blocked10(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);
      case 11 -> blocked11(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);
      case 12 -> blocked12(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);
      case 13 -> blocked13(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);
      case 14 -> blocked14(x, xOff, taps, w, wOff, bias, biasOff, t, tOff, ld);
      default -> throw new IllegalArgumentException("width " + width + " outside [7, 14]");
    }
  }

  private static void blocked7(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
  }

  private static void blocked8(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    FloatVector c7_0 = bias0;
    FloatVector c7_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
        FloatVector b7 = FloatVector.broadcast(SF, x[xi + 7 * BLOCK_C]);
        c7_0 = b7.fma(w0, c7_0);
        c7_1 = b7.fma(w1, c7_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
    c7_0.intoArray(t, tOff + 7 * ld);
    c7_1.intoArray(t, tOff + 7 * ld + LEN);
  }

  private static void blocked9(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    FloatVector c7_0 = bias0;
    FloatVector c7_1 = bias1;
    FloatVector c8_0 = bias0;
    FloatVector c8_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
        FloatVector b7 = FloatVector.broadcast(SF, x[xi + 7 * BLOCK_C]);
        c7_0 = b7.fma(w0, c7_0);
        c7_1 = b7.fma(w1, c7_1);
        FloatVector b8 = FloatVector.broadcast(SF, x[xi + 8 * BLOCK_C]);
        c8_0 = b8.fma(w0, c8_0);
        c8_1 = b8.fma(w1, c8_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
    c7_0.intoArray(t, tOff + 7 * ld);
    c7_1.intoArray(t, tOff + 7 * ld + LEN);
    c8_0.intoArray(t, tOff + 8 * ld);
    c8_1.intoArray(t, tOff + 8 * ld + LEN);
  }

  private static void blocked10(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    FloatVector c7_0 = bias0;
    FloatVector c7_1 = bias1;
    FloatVector c8_0 = bias0;
    FloatVector c8_1 = bias1;
    FloatVector c9_0 = bias0;
    FloatVector c9_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
        FloatVector b7 = FloatVector.broadcast(SF, x[xi + 7 * BLOCK_C]);
        c7_0 = b7.fma(w0, c7_0);
        c7_1 = b7.fma(w1, c7_1);
        FloatVector b8 = FloatVector.broadcast(SF, x[xi + 8 * BLOCK_C]);
        c8_0 = b8.fma(w0, c8_0);
        c8_1 = b8.fma(w1, c8_1);
        FloatVector b9 = FloatVector.broadcast(SF, x[xi + 9 * BLOCK_C]);
        c9_0 = b9.fma(w0, c9_0);
        c9_1 = b9.fma(w1, c9_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
    c7_0.intoArray(t, tOff + 7 * ld);
    c7_1.intoArray(t, tOff + 7 * ld + LEN);
    c8_0.intoArray(t, tOff + 8 * ld);
    c8_1.intoArray(t, tOff + 8 * ld + LEN);
    c9_0.intoArray(t, tOff + 9 * ld);
    c9_1.intoArray(t, tOff + 9 * ld + LEN);
  }

  private static void blocked11(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    FloatVector c7_0 = bias0;
    FloatVector c7_1 = bias1;
    FloatVector c8_0 = bias0;
    FloatVector c8_1 = bias1;
    FloatVector c9_0 = bias0;
    FloatVector c9_1 = bias1;
    FloatVector c10_0 = bias0;
    FloatVector c10_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
        FloatVector b7 = FloatVector.broadcast(SF, x[xi + 7 * BLOCK_C]);
        c7_0 = b7.fma(w0, c7_0);
        c7_1 = b7.fma(w1, c7_1);
        FloatVector b8 = FloatVector.broadcast(SF, x[xi + 8 * BLOCK_C]);
        c8_0 = b8.fma(w0, c8_0);
        c8_1 = b8.fma(w1, c8_1);
        FloatVector b9 = FloatVector.broadcast(SF, x[xi + 9 * BLOCK_C]);
        c9_0 = b9.fma(w0, c9_0);
        c9_1 = b9.fma(w1, c9_1);
        FloatVector b10 = FloatVector.broadcast(SF, x[xi + 10 * BLOCK_C]);
        c10_0 = b10.fma(w0, c10_0);
        c10_1 = b10.fma(w1, c10_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
    c7_0.intoArray(t, tOff + 7 * ld);
    c7_1.intoArray(t, tOff + 7 * ld + LEN);
    c8_0.intoArray(t, tOff + 8 * ld);
    c8_1.intoArray(t, tOff + 8 * ld + LEN);
    c9_0.intoArray(t, tOff + 9 * ld);
    c9_1.intoArray(t, tOff + 9 * ld + LEN);
    c10_0.intoArray(t, tOff + 10 * ld);
    c10_1.intoArray(t, tOff + 10 * ld + LEN);
  }

  private static void blocked12(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    FloatVector c7_0 = bias0;
    FloatVector c7_1 = bias1;
    FloatVector c8_0 = bias0;
    FloatVector c8_1 = bias1;
    FloatVector c9_0 = bias0;
    FloatVector c9_1 = bias1;
    FloatVector c10_0 = bias0;
    FloatVector c10_1 = bias1;
    FloatVector c11_0 = bias0;
    FloatVector c11_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
        FloatVector b7 = FloatVector.broadcast(SF, x[xi + 7 * BLOCK_C]);
        c7_0 = b7.fma(w0, c7_0);
        c7_1 = b7.fma(w1, c7_1);
        FloatVector b8 = FloatVector.broadcast(SF, x[xi + 8 * BLOCK_C]);
        c8_0 = b8.fma(w0, c8_0);
        c8_1 = b8.fma(w1, c8_1);
        FloatVector b9 = FloatVector.broadcast(SF, x[xi + 9 * BLOCK_C]);
        c9_0 = b9.fma(w0, c9_0);
        c9_1 = b9.fma(w1, c9_1);
        FloatVector b10 = FloatVector.broadcast(SF, x[xi + 10 * BLOCK_C]);
        c10_0 = b10.fma(w0, c10_0);
        c10_1 = b10.fma(w1, c10_1);
        FloatVector b11 = FloatVector.broadcast(SF, x[xi + 11 * BLOCK_C]);
        c11_0 = b11.fma(w0, c11_0);
        c11_1 = b11.fma(w1, c11_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
    c7_0.intoArray(t, tOff + 7 * ld);
    c7_1.intoArray(t, tOff + 7 * ld + LEN);
    c8_0.intoArray(t, tOff + 8 * ld);
    c8_1.intoArray(t, tOff + 8 * ld + LEN);
    c9_0.intoArray(t, tOff + 9 * ld);
    c9_1.intoArray(t, tOff + 9 * ld + LEN);
    c10_0.intoArray(t, tOff + 10 * ld);
    c10_1.intoArray(t, tOff + 10 * ld + LEN);
    c11_0.intoArray(t, tOff + 11 * ld);
    c11_1.intoArray(t, tOff + 11 * ld + LEN);
  }

  private static void blocked13(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    FloatVector c7_0 = bias0;
    FloatVector c7_1 = bias1;
    FloatVector c8_0 = bias0;
    FloatVector c8_1 = bias1;
    FloatVector c9_0 = bias0;
    FloatVector c9_1 = bias1;
    FloatVector c10_0 = bias0;
    FloatVector c10_1 = bias1;
    FloatVector c11_0 = bias0;
    FloatVector c11_1 = bias1;
    FloatVector c12_0 = bias0;
    FloatVector c12_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
        FloatVector b7 = FloatVector.broadcast(SF, x[xi + 7 * BLOCK_C]);
        c7_0 = b7.fma(w0, c7_0);
        c7_1 = b7.fma(w1, c7_1);
        FloatVector b8 = FloatVector.broadcast(SF, x[xi + 8 * BLOCK_C]);
        c8_0 = b8.fma(w0, c8_0);
        c8_1 = b8.fma(w1, c8_1);
        FloatVector b9 = FloatVector.broadcast(SF, x[xi + 9 * BLOCK_C]);
        c9_0 = b9.fma(w0, c9_0);
        c9_1 = b9.fma(w1, c9_1);
        FloatVector b10 = FloatVector.broadcast(SF, x[xi + 10 * BLOCK_C]);
        c10_0 = b10.fma(w0, c10_0);
        c10_1 = b10.fma(w1, c10_1);
        FloatVector b11 = FloatVector.broadcast(SF, x[xi + 11 * BLOCK_C]);
        c11_0 = b11.fma(w0, c11_0);
        c11_1 = b11.fma(w1, c11_1);
        FloatVector b12 = FloatVector.broadcast(SF, x[xi + 12 * BLOCK_C]);
        c12_0 = b12.fma(w0, c12_0);
        c12_1 = b12.fma(w1, c12_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
    c7_0.intoArray(t, tOff + 7 * ld);
    c7_1.intoArray(t, tOff + 7 * ld + LEN);
    c8_0.intoArray(t, tOff + 8 * ld);
    c8_1.intoArray(t, tOff + 8 * ld + LEN);
    c9_0.intoArray(t, tOff + 9 * ld);
    c9_1.intoArray(t, tOff + 9 * ld + LEN);
    c10_0.intoArray(t, tOff + 10 * ld);
    c10_1.intoArray(t, tOff + 10 * ld + LEN);
    c11_0.intoArray(t, tOff + 11 * ld);
    c11_1.intoArray(t, tOff + 11 * ld + LEN);
    c12_0.intoArray(t, tOff + 12 * ld);
    c12_1.intoArray(t, tOff + 12 * ld + LEN);
  }

  private static void blocked14(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int biasOff,
      float[] t,
      int tOff,
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    FloatVector c7_0 = bias0;
    FloatVector c7_1 = bias1;
    FloatVector c8_0 = bias0;
    FloatVector c8_1 = bias1;
    FloatVector c9_0 = bias0;
    FloatVector c9_1 = bias1;
    FloatVector c10_0 = bias0;
    FloatVector c10_1 = bias1;
    FloatVector c11_0 = bias0;
    FloatVector c11_1 = bias1;
    FloatVector c12_0 = bias0;
    FloatVector c12_1 = bias1;
    FloatVector c13_0 = bias0;
    FloatVector c13_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
        FloatVector b7 = FloatVector.broadcast(SF, x[xi + 7 * BLOCK_C]);
        c7_0 = b7.fma(w0, c7_0);
        c7_1 = b7.fma(w1, c7_1);
        FloatVector b8 = FloatVector.broadcast(SF, x[xi + 8 * BLOCK_C]);
        c8_0 = b8.fma(w0, c8_0);
        c8_1 = b8.fma(w1, c8_1);
        FloatVector b9 = FloatVector.broadcast(SF, x[xi + 9 * BLOCK_C]);
        c9_0 = b9.fma(w0, c9_0);
        c9_1 = b9.fma(w1, c9_1);
        FloatVector b10 = FloatVector.broadcast(SF, x[xi + 10 * BLOCK_C]);
        c10_0 = b10.fma(w0, c10_0);
        c10_1 = b10.fma(w1, c10_1);
        FloatVector b11 = FloatVector.broadcast(SF, x[xi + 11 * BLOCK_C]);
        c11_0 = b11.fma(w0, c11_0);
        c11_1 = b11.fma(w1, c11_1);
        FloatVector b12 = FloatVector.broadcast(SF, x[xi + 12 * BLOCK_C]);
        c12_0 = b12.fma(w0, c12_0);
        c12_1 = b12.fma(w1, c12_1);
        FloatVector b13 = FloatVector.broadcast(SF, x[xi + 13 * BLOCK_C]);
        c13_0 = b13.fma(w0, c13_0);
        c13_1 = b13.fma(w1, c13_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
    c7_0.intoArray(t, tOff + 7 * ld);
    c7_1.intoArray(t, tOff + 7 * ld + LEN);
    c8_0.intoArray(t, tOff + 8 * ld);
    c8_1.intoArray(t, tOff + 8 * ld + LEN);
    c9_0.intoArray(t, tOff + 9 * ld);
    c9_1.intoArray(t, tOff + 9 * ld + LEN);
    c10_0.intoArray(t, tOff + 10 * ld);
    c10_1.intoArray(t, tOff + 10 * ld + LEN);
    c11_0.intoArray(t, tOff + 11 * ld);
    c11_1.intoArray(t, tOff + 11 * ld + LEN);
    c12_0.intoArray(t, tOff + 12 * ld);
    c12_1.intoArray(t, tOff + 12 * ld + LEN);
    c13_0.intoArray(t, tOff + 13 * ld);
    c13_1.intoArray(t, tOff + 13 * ld + LEN);
  }

  @Override
  public void blockedPairTile(
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
      int ld) {
    FloatVector bias0 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff);
    FloatVector bias1 =
        bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, biasOff + LEN);
    FloatVector c0_0 = bias0;
    FloatVector c0_1 = bias1;
    FloatVector c1_0 = bias0;
    FloatVector c1_1 = bias1;
    FloatVector c2_0 = bias0;
    FloatVector c2_1 = bias1;
    FloatVector c3_0 = bias0;
    FloatVector c3_1 = bias1;
    FloatVector c4_0 = bias0;
    FloatVector c4_1 = bias1;
    FloatVector c5_0 = bias0;
    FloatVector c5_1 = bias1;
    FloatVector c6_0 = bias0;
    FloatVector c6_1 = bias1;
    FloatVector c7_0 = bias0;
    FloatVector c7_1 = bias1;
    FloatVector c8_0 = bias0;
    FloatVector c8_1 = bias1;
    FloatVector c9_0 = bias0;
    FloatVector c9_1 = bias1;
    FloatVector c10_0 = bias0;
    FloatVector c10_1 = bias1;
    FloatVector c11_0 = bias0;
    FloatVector c11_1 = bias1;
    FloatVector c12_0 = bias0;
    FloatVector c12_1 = bias1;
    FloatVector c13_0 = bias0;
    FloatVector c13_1 = bias1;
    int wi = wOff;
    for (int tap = 0; tap < taps.length; tap++) {
      int xi = xOff + taps[tap];
      int xr = xi + rowOff;
      for (int ic = 0; ic < BLOCK_C; ic++, wi += BLOCK_OC, xi++, xr++) {
        FloatVector w0 = FloatVector.fromArray(SF, w, wi);
        FloatVector w1 = FloatVector.fromArray(SF, w, wi + LEN);
        FloatVector b0 = FloatVector.broadcast(SF, x[xi + 0 * BLOCK_C]);
        c0_0 = b0.fma(w0, c0_0);
        c0_1 = b0.fma(w1, c0_1);
        FloatVector b1 = FloatVector.broadcast(SF, x[xi + 1 * BLOCK_C]);
        c1_0 = b1.fma(w0, c1_0);
        c1_1 = b1.fma(w1, c1_1);
        FloatVector b2 = FloatVector.broadcast(SF, x[xi + 2 * BLOCK_C]);
        c2_0 = b2.fma(w0, c2_0);
        c2_1 = b2.fma(w1, c2_1);
        FloatVector b3 = FloatVector.broadcast(SF, x[xi + 3 * BLOCK_C]);
        c3_0 = b3.fma(w0, c3_0);
        c3_1 = b3.fma(w1, c3_1);
        FloatVector b4 = FloatVector.broadcast(SF, x[xi + 4 * BLOCK_C]);
        c4_0 = b4.fma(w0, c4_0);
        c4_1 = b4.fma(w1, c4_1);
        FloatVector b5 = FloatVector.broadcast(SF, x[xi + 5 * BLOCK_C]);
        c5_0 = b5.fma(w0, c5_0);
        c5_1 = b5.fma(w1, c5_1);
        FloatVector b6 = FloatVector.broadcast(SF, x[xi + 6 * BLOCK_C]);
        c6_0 = b6.fma(w0, c6_0);
        c6_1 = b6.fma(w1, c6_1);
        FloatVector b7 = FloatVector.broadcast(SF, x[xr + 0 * BLOCK_C]);
        c7_0 = b7.fma(w0, c7_0);
        c7_1 = b7.fma(w1, c7_1);
        FloatVector b8 = FloatVector.broadcast(SF, x[xr + 1 * BLOCK_C]);
        c8_0 = b8.fma(w0, c8_0);
        c8_1 = b8.fma(w1, c8_1);
        FloatVector b9 = FloatVector.broadcast(SF, x[xr + 2 * BLOCK_C]);
        c9_0 = b9.fma(w0, c9_0);
        c9_1 = b9.fma(w1, c9_1);
        FloatVector b10 = FloatVector.broadcast(SF, x[xr + 3 * BLOCK_C]);
        c10_0 = b10.fma(w0, c10_0);
        c10_1 = b10.fma(w1, c10_1);
        FloatVector b11 = FloatVector.broadcast(SF, x[xr + 4 * BLOCK_C]);
        c11_0 = b11.fma(w0, c11_0);
        c11_1 = b11.fma(w1, c11_1);
        FloatVector b12 = FloatVector.broadcast(SF, x[xr + 5 * BLOCK_C]);
        c12_0 = b12.fma(w0, c12_0);
        c12_1 = b12.fma(w1, c12_1);
        FloatVector b13 = FloatVector.broadcast(SF, x[xr + 6 * BLOCK_C]);
        c13_0 = b13.fma(w0, c13_0);
        c13_1 = b13.fma(w1, c13_1);
      }
    }
    c0_0.intoArray(t, tOff + 0 * ld);
    c0_1.intoArray(t, tOff + 0 * ld + LEN);
    c1_0.intoArray(t, tOff + 1 * ld);
    c1_1.intoArray(t, tOff + 1 * ld + LEN);
    c2_0.intoArray(t, tOff + 2 * ld);
    c2_1.intoArray(t, tOff + 2 * ld + LEN);
    c3_0.intoArray(t, tOff + 3 * ld);
    c3_1.intoArray(t, tOff + 3 * ld + LEN);
    c4_0.intoArray(t, tOff + 4 * ld);
    c4_1.intoArray(t, tOff + 4 * ld + LEN);
    c5_0.intoArray(t, tOff + 5 * ld);
    c5_1.intoArray(t, tOff + 5 * ld + LEN);
    c6_0.intoArray(t, tOff + 6 * ld);
    c6_1.intoArray(t, tOff + 6 * ld + LEN);
    c7_0.intoArray(t, tOff + tRow + 0 * ld);
    c7_1.intoArray(t, tOff + tRow + 0 * ld + LEN);
    c8_0.intoArray(t, tOff + tRow + 1 * ld);
    c8_1.intoArray(t, tOff + tRow + 1 * ld + LEN);
    c9_0.intoArray(t, tOff + tRow + 2 * ld);
    c9_1.intoArray(t, tOff + tRow + 2 * ld + LEN);
    c10_0.intoArray(t, tOff + tRow + 3 * ld);
    c10_1.intoArray(t, tOff + tRow + 3 * ld + LEN);
    c11_0.intoArray(t, tOff + tRow + 4 * ld);
    c11_1.intoArray(t, tOff + tRow + 4 * ld + LEN);
    c12_0.intoArray(t, tOff + tRow + 5 * ld);
    c12_1.intoArray(t, tOff + tRow + 5 * ld + LEN);
    c13_0.intoArray(t, tOff + tRow + 6 * ld);
    c13_1.intoArray(t, tOff + tRow + 6 * ld + LEN);
  }

  // BLOCKED-END

  // TRANSPOSE-BEGIN by kernels/src/build/gen_vector_kernels.py
  private static final VectorShuffle<Float> UP8 = VectorShuffle.fromOp(SF, l -> (l + 8) % LEN);
  private static final VectorShuffle<Float> DOWN8 =
      VectorShuffle.fromOp(SF, l -> (l + LEN - 8) % LEN);
  private static final VectorMask<Float> LANE_BIT8 = laneBit(8);
  private static final VectorShuffle<Float> UP4 = VectorShuffle.fromOp(SF, l -> (l + 4) % LEN);
  private static final VectorShuffle<Float> DOWN4 =
      VectorShuffle.fromOp(SF, l -> (l + LEN - 4) % LEN);
  private static final VectorMask<Float> LANE_BIT4 = laneBit(4);
  private static final VectorShuffle<Float> UP2 = VectorShuffle.fromOp(SF, l -> (l + 2) % LEN);
  private static final VectorShuffle<Float> DOWN2 =
      VectorShuffle.fromOp(SF, l -> (l + LEN - 2) % LEN);
  private static final VectorMask<Float> LANE_BIT2 = laneBit(2);
  private static final VectorShuffle<Float> UP1 = VectorShuffle.fromOp(SF, l -> (l + 1) % LEN);
  private static final VectorShuffle<Float> DOWN1 =
      VectorShuffle.fromOp(SF, l -> (l + LEN - 1) % LEN);
  private static final VectorMask<Float> LANE_BIT1 = laneBit(1);

  /** Lanes whose index has bit d set. */
  private static VectorMask<Float> laneBit(int d) {
    boolean[] m = new boolean[LEN];
    for (int l = 0; l < LEN; l++) {
      m[l] = (l & d) != 0;
    }
    return VectorMask.fromArray(SF, m, 0);
  }

  /**
   * 16 positions of 16 channel rows into 16 channel-blocked positions: {@code p[pBase + map[mapOff
   * + j] + c] = x[xOff + min(c, last)·stride + j]} for {@code j, c < 16}.
   */
  private static void blockChunk(
      float[] x, int xOff, int stride, int last, float[] p, int pBase, int[] map, int mapOff) {
    FloatVector r0 = FloatVector.fromArray(SF, x, xOff);
    FloatVector r1 = FloatVector.fromArray(SF, x, xOff + Math.min(1, last) * stride);
    FloatVector r2 = FloatVector.fromArray(SF, x, xOff + Math.min(2, last) * stride);
    FloatVector r3 = FloatVector.fromArray(SF, x, xOff + Math.min(3, last) * stride);
    FloatVector r4 = FloatVector.fromArray(SF, x, xOff + Math.min(4, last) * stride);
    FloatVector r5 = FloatVector.fromArray(SF, x, xOff + Math.min(5, last) * stride);
    FloatVector r6 = FloatVector.fromArray(SF, x, xOff + Math.min(6, last) * stride);
    FloatVector r7 = FloatVector.fromArray(SF, x, xOff + Math.min(7, last) * stride);
    FloatVector r8 = FloatVector.fromArray(SF, x, xOff + Math.min(8, last) * stride);
    FloatVector r9 = FloatVector.fromArray(SF, x, xOff + Math.min(9, last) * stride);
    FloatVector r10 = FloatVector.fromArray(SF, x, xOff + Math.min(10, last) * stride);
    FloatVector r11 = FloatVector.fromArray(SF, x, xOff + Math.min(11, last) * stride);
    FloatVector r12 = FloatVector.fromArray(SF, x, xOff + Math.min(12, last) * stride);
    FloatVector r13 = FloatVector.fromArray(SF, x, xOff + Math.min(13, last) * stride);
    FloatVector r14 = FloatVector.fromArray(SF, x, xOff + Math.min(14, last) * stride);
    FloatVector r15 = FloatVector.fromArray(SF, x, xOff + Math.min(15, last) * stride);
    FloatVector t0 = r0.blend(r8.rearrange(DOWN8), LANE_BIT8);
    FloatVector t1 = r0.rearrange(UP8).blend(r8, LANE_BIT8);
    FloatVector t2 = r1.blend(r9.rearrange(DOWN8), LANE_BIT8);
    FloatVector t3 = r1.rearrange(UP8).blend(r9, LANE_BIT8);
    FloatVector t4 = r2.blend(r10.rearrange(DOWN8), LANE_BIT8);
    FloatVector t5 = r2.rearrange(UP8).blend(r10, LANE_BIT8);
    FloatVector t6 = r3.blend(r11.rearrange(DOWN8), LANE_BIT8);
    FloatVector t7 = r3.rearrange(UP8).blend(r11, LANE_BIT8);
    FloatVector t8 = r4.blend(r12.rearrange(DOWN8), LANE_BIT8);
    FloatVector t9 = r4.rearrange(UP8).blend(r12, LANE_BIT8);
    FloatVector t10 = r5.blend(r13.rearrange(DOWN8), LANE_BIT8);
    FloatVector t11 = r5.rearrange(UP8).blend(r13, LANE_BIT8);
    FloatVector t12 = r6.blend(r14.rearrange(DOWN8), LANE_BIT8);
    FloatVector t13 = r6.rearrange(UP8).blend(r14, LANE_BIT8);
    FloatVector t14 = r7.blend(r15.rearrange(DOWN8), LANE_BIT8);
    FloatVector t15 = r7.rearrange(UP8).blend(r15, LANE_BIT8);
    FloatVector t16 = t0.blend(t8.rearrange(DOWN4), LANE_BIT4);
    FloatVector t17 = t0.rearrange(UP4).blend(t8, LANE_BIT4);
    FloatVector t18 = t2.blend(t10.rearrange(DOWN4), LANE_BIT4);
    FloatVector t19 = t2.rearrange(UP4).blend(t10, LANE_BIT4);
    FloatVector t20 = t4.blend(t12.rearrange(DOWN4), LANE_BIT4);
    FloatVector t21 = t4.rearrange(UP4).blend(t12, LANE_BIT4);
    FloatVector t22 = t6.blend(t14.rearrange(DOWN4), LANE_BIT4);
    FloatVector t23 = t6.rearrange(UP4).blend(t14, LANE_BIT4);
    FloatVector t24 = t1.blend(t9.rearrange(DOWN4), LANE_BIT4);
    FloatVector t25 = t1.rearrange(UP4).blend(t9, LANE_BIT4);
    FloatVector t26 = t3.blend(t11.rearrange(DOWN4), LANE_BIT4);
    FloatVector t27 = t3.rearrange(UP4).blend(t11, LANE_BIT4);
    FloatVector t28 = t5.blend(t13.rearrange(DOWN4), LANE_BIT4);
    FloatVector t29 = t5.rearrange(UP4).blend(t13, LANE_BIT4);
    FloatVector t30 = t7.blend(t15.rearrange(DOWN4), LANE_BIT4);
    FloatVector t31 = t7.rearrange(UP4).blend(t15, LANE_BIT4);
    FloatVector t32 = t16.blend(t20.rearrange(DOWN2), LANE_BIT2);
    FloatVector t33 = t16.rearrange(UP2).blend(t20, LANE_BIT2);
    FloatVector t34 = t18.blend(t22.rearrange(DOWN2), LANE_BIT2);
    FloatVector t35 = t18.rearrange(UP2).blend(t22, LANE_BIT2);
    FloatVector t36 = t17.blend(t21.rearrange(DOWN2), LANE_BIT2);
    FloatVector t37 = t17.rearrange(UP2).blend(t21, LANE_BIT2);
    FloatVector t38 = t19.blend(t23.rearrange(DOWN2), LANE_BIT2);
    FloatVector t39 = t19.rearrange(UP2).blend(t23, LANE_BIT2);
    FloatVector t40 = t24.blend(t28.rearrange(DOWN2), LANE_BIT2);
    FloatVector t41 = t24.rearrange(UP2).blend(t28, LANE_BIT2);
    FloatVector t42 = t26.blend(t30.rearrange(DOWN2), LANE_BIT2);
    FloatVector t43 = t26.rearrange(UP2).blend(t30, LANE_BIT2);
    FloatVector t44 = t25.blend(t29.rearrange(DOWN2), LANE_BIT2);
    FloatVector t45 = t25.rearrange(UP2).blend(t29, LANE_BIT2);
    FloatVector t46 = t27.blend(t31.rearrange(DOWN2), LANE_BIT2);
    FloatVector t47 = t27.rearrange(UP2).blend(t31, LANE_BIT2);
    FloatVector t48 = t32.blend(t34.rearrange(DOWN1), LANE_BIT1);
    FloatVector t49 = t32.rearrange(UP1).blend(t34, LANE_BIT1);
    FloatVector t50 = t33.blend(t35.rearrange(DOWN1), LANE_BIT1);
    FloatVector t51 = t33.rearrange(UP1).blend(t35, LANE_BIT1);
    FloatVector t52 = t36.blend(t38.rearrange(DOWN1), LANE_BIT1);
    FloatVector t53 = t36.rearrange(UP1).blend(t38, LANE_BIT1);
    FloatVector t54 = t37.blend(t39.rearrange(DOWN1), LANE_BIT1);
    FloatVector t55 = t37.rearrange(UP1).blend(t39, LANE_BIT1);
    FloatVector t56 = t40.blend(t42.rearrange(DOWN1), LANE_BIT1);
    FloatVector t57 = t40.rearrange(UP1).blend(t42, LANE_BIT1);
    FloatVector t58 = t41.blend(t43.rearrange(DOWN1), LANE_BIT1);
    FloatVector t59 = t41.rearrange(UP1).blend(t43, LANE_BIT1);
    FloatVector t60 = t44.blend(t46.rearrange(DOWN1), LANE_BIT1);
    FloatVector t61 = t44.rearrange(UP1).blend(t46, LANE_BIT1);
    FloatVector t62 = t45.blend(t47.rearrange(DOWN1), LANE_BIT1);
    FloatVector t63 = t45.rearrange(UP1).blend(t47, LANE_BIT1);
    t48.intoArray(p, pBase + map[mapOff + 0]);
    t49.intoArray(p, pBase + map[mapOff + 1]);
    t50.intoArray(p, pBase + map[mapOff + 2]);
    t51.intoArray(p, pBase + map[mapOff + 3]);
    t52.intoArray(p, pBase + map[mapOff + 4]);
    t53.intoArray(p, pBase + map[mapOff + 5]);
    t54.intoArray(p, pBase + map[mapOff + 6]);
    t55.intoArray(p, pBase + map[mapOff + 7]);
    t56.intoArray(p, pBase + map[mapOff + 8]);
    t57.intoArray(p, pBase + map[mapOff + 9]);
    t58.intoArray(p, pBase + map[mapOff + 10]);
    t59.intoArray(p, pBase + map[mapOff + 11]);
    t60.intoArray(p, pBase + map[mapOff + 12]);
    t61.intoArray(p, pBase + map[mapOff + 13]);
    t62.intoArray(p, pBase + map[mapOff + 14]);
    t63.intoArray(p, pBase + map[mapOff + 15]);
  }

  /**
   * 16 channel-blocked positions into 16 positions of planar rows: {@code y[yOff + c·ldy + j] =
   * t[tOff + j·ld + c]} for {@code j < 16, c < channels}.
   */
  private static void unblockChunk(
      float[] t, int tOff, int ld, float[] y, int yOff, int ldy, int channels) {
    FloatVector r0 = FloatVector.fromArray(SF, t, tOff);
    FloatVector r1 = FloatVector.fromArray(SF, t, tOff + 1 * ld);
    FloatVector r2 = FloatVector.fromArray(SF, t, tOff + 2 * ld);
    FloatVector r3 = FloatVector.fromArray(SF, t, tOff + 3 * ld);
    FloatVector r4 = FloatVector.fromArray(SF, t, tOff + 4 * ld);
    FloatVector r5 = FloatVector.fromArray(SF, t, tOff + 5 * ld);
    FloatVector r6 = FloatVector.fromArray(SF, t, tOff + 6 * ld);
    FloatVector r7 = FloatVector.fromArray(SF, t, tOff + 7 * ld);
    FloatVector r8 = FloatVector.fromArray(SF, t, tOff + 8 * ld);
    FloatVector r9 = FloatVector.fromArray(SF, t, tOff + 9 * ld);
    FloatVector r10 = FloatVector.fromArray(SF, t, tOff + 10 * ld);
    FloatVector r11 = FloatVector.fromArray(SF, t, tOff + 11 * ld);
    FloatVector r12 = FloatVector.fromArray(SF, t, tOff + 12 * ld);
    FloatVector r13 = FloatVector.fromArray(SF, t, tOff + 13 * ld);
    FloatVector r14 = FloatVector.fromArray(SF, t, tOff + 14 * ld);
    FloatVector r15 = FloatVector.fromArray(SF, t, tOff + 15 * ld);
    FloatVector t0 = r0.blend(r8.rearrange(DOWN8), LANE_BIT8);
    FloatVector t1 = r0.rearrange(UP8).blend(r8, LANE_BIT8);
    FloatVector t2 = r1.blend(r9.rearrange(DOWN8), LANE_BIT8);
    FloatVector t3 = r1.rearrange(UP8).blend(r9, LANE_BIT8);
    FloatVector t4 = r2.blend(r10.rearrange(DOWN8), LANE_BIT8);
    FloatVector t5 = r2.rearrange(UP8).blend(r10, LANE_BIT8);
    FloatVector t6 = r3.blend(r11.rearrange(DOWN8), LANE_BIT8);
    FloatVector t7 = r3.rearrange(UP8).blend(r11, LANE_BIT8);
    FloatVector t8 = r4.blend(r12.rearrange(DOWN8), LANE_BIT8);
    FloatVector t9 = r4.rearrange(UP8).blend(r12, LANE_BIT8);
    FloatVector t10 = r5.blend(r13.rearrange(DOWN8), LANE_BIT8);
    FloatVector t11 = r5.rearrange(UP8).blend(r13, LANE_BIT8);
    FloatVector t12 = r6.blend(r14.rearrange(DOWN8), LANE_BIT8);
    FloatVector t13 = r6.rearrange(UP8).blend(r14, LANE_BIT8);
    FloatVector t14 = r7.blend(r15.rearrange(DOWN8), LANE_BIT8);
    FloatVector t15 = r7.rearrange(UP8).blend(r15, LANE_BIT8);
    FloatVector t16 = t0.blend(t8.rearrange(DOWN4), LANE_BIT4);
    FloatVector t17 = t0.rearrange(UP4).blend(t8, LANE_BIT4);
    FloatVector t18 = t2.blend(t10.rearrange(DOWN4), LANE_BIT4);
    FloatVector t19 = t2.rearrange(UP4).blend(t10, LANE_BIT4);
    FloatVector t20 = t4.blend(t12.rearrange(DOWN4), LANE_BIT4);
    FloatVector t21 = t4.rearrange(UP4).blend(t12, LANE_BIT4);
    FloatVector t22 = t6.blend(t14.rearrange(DOWN4), LANE_BIT4);
    FloatVector t23 = t6.rearrange(UP4).blend(t14, LANE_BIT4);
    FloatVector t24 = t1.blend(t9.rearrange(DOWN4), LANE_BIT4);
    FloatVector t25 = t1.rearrange(UP4).blend(t9, LANE_BIT4);
    FloatVector t26 = t3.blend(t11.rearrange(DOWN4), LANE_BIT4);
    FloatVector t27 = t3.rearrange(UP4).blend(t11, LANE_BIT4);
    FloatVector t28 = t5.blend(t13.rearrange(DOWN4), LANE_BIT4);
    FloatVector t29 = t5.rearrange(UP4).blend(t13, LANE_BIT4);
    FloatVector t30 = t7.blend(t15.rearrange(DOWN4), LANE_BIT4);
    FloatVector t31 = t7.rearrange(UP4).blend(t15, LANE_BIT4);
    FloatVector t32 = t16.blend(t20.rearrange(DOWN2), LANE_BIT2);
    FloatVector t33 = t16.rearrange(UP2).blend(t20, LANE_BIT2);
    FloatVector t34 = t18.blend(t22.rearrange(DOWN2), LANE_BIT2);
    FloatVector t35 = t18.rearrange(UP2).blend(t22, LANE_BIT2);
    FloatVector t36 = t17.blend(t21.rearrange(DOWN2), LANE_BIT2);
    FloatVector t37 = t17.rearrange(UP2).blend(t21, LANE_BIT2);
    FloatVector t38 = t19.blend(t23.rearrange(DOWN2), LANE_BIT2);
    FloatVector t39 = t19.rearrange(UP2).blend(t23, LANE_BIT2);
    FloatVector t40 = t24.blend(t28.rearrange(DOWN2), LANE_BIT2);
    FloatVector t41 = t24.rearrange(UP2).blend(t28, LANE_BIT2);
    FloatVector t42 = t26.blend(t30.rearrange(DOWN2), LANE_BIT2);
    FloatVector t43 = t26.rearrange(UP2).blend(t30, LANE_BIT2);
    FloatVector t44 = t25.blend(t29.rearrange(DOWN2), LANE_BIT2);
    FloatVector t45 = t25.rearrange(UP2).blend(t29, LANE_BIT2);
    FloatVector t46 = t27.blend(t31.rearrange(DOWN2), LANE_BIT2);
    FloatVector t47 = t27.rearrange(UP2).blend(t31, LANE_BIT2);
    FloatVector t48 = t32.blend(t34.rearrange(DOWN1), LANE_BIT1);
    FloatVector t49 = t32.rearrange(UP1).blend(t34, LANE_BIT1);
    FloatVector t50 = t33.blend(t35.rearrange(DOWN1), LANE_BIT1);
    FloatVector t51 = t33.rearrange(UP1).blend(t35, LANE_BIT1);
    FloatVector t52 = t36.blend(t38.rearrange(DOWN1), LANE_BIT1);
    FloatVector t53 = t36.rearrange(UP1).blend(t38, LANE_BIT1);
    FloatVector t54 = t37.blend(t39.rearrange(DOWN1), LANE_BIT1);
    FloatVector t55 = t37.rearrange(UP1).blend(t39, LANE_BIT1);
    FloatVector t56 = t40.blend(t42.rearrange(DOWN1), LANE_BIT1);
    FloatVector t57 = t40.rearrange(UP1).blend(t42, LANE_BIT1);
    FloatVector t58 = t41.blend(t43.rearrange(DOWN1), LANE_BIT1);
    FloatVector t59 = t41.rearrange(UP1).blend(t43, LANE_BIT1);
    FloatVector t60 = t44.blend(t46.rearrange(DOWN1), LANE_BIT1);
    FloatVector t61 = t44.rearrange(UP1).blend(t46, LANE_BIT1);
    FloatVector t62 = t45.blend(t47.rearrange(DOWN1), LANE_BIT1);
    FloatVector t63 = t45.rearrange(UP1).blend(t47, LANE_BIT1);
    t48.intoArray(y, yOff);
    if (channels > 1) {
      t49.intoArray(y, yOff + 1 * ldy);
    }
    if (channels > 2) {
      t50.intoArray(y, yOff + 2 * ldy);
    }
    if (channels > 3) {
      t51.intoArray(y, yOff + 3 * ldy);
    }
    if (channels > 4) {
      t52.intoArray(y, yOff + 4 * ldy);
    }
    if (channels > 5) {
      t53.intoArray(y, yOff + 5 * ldy);
    }
    if (channels > 6) {
      t54.intoArray(y, yOff + 6 * ldy);
    }
    if (channels > 7) {
      t55.intoArray(y, yOff + 7 * ldy);
    }
    if (channels > 8) {
      t56.intoArray(y, yOff + 8 * ldy);
    }
    if (channels > 9) {
      t57.intoArray(y, yOff + 9 * ldy);
    }
    if (channels > 10) {
      t58.intoArray(y, yOff + 10 * ldy);
    }
    if (channels > 11) {
      t59.intoArray(y, yOff + 11 * ldy);
    }
    if (channels > 12) {
      t60.intoArray(y, yOff + 12 * ldy);
    }
    if (channels > 13) {
      t61.intoArray(y, yOff + 13 * ldy);
    }
    if (channels > 14) {
      t62.intoArray(y, yOff + 14 * ldy);
    }
    if (channels > 15) {
      t63.intoArray(y, yOff + 15 * ldy);
    }
  }

  /**
   * {@link #depthwiseBlocked} for 8 outputs with kernel width {@code kw} in {3, 5, 7}, stride 1 or
   * 2, dilation 1: false (nothing written) for other shapes.
   */
  private static boolean depthwiseBlocked8(
      float[] p,
      int pOff,
      int[] taps,
      int kw,
      int sw,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff) {
    switch (kw * 4 + sw) {
      case 13 -> dwBlocked3s1(p, pOff, taps, w, wOff, bias, bOff, o, oOff);
      case 14 -> dwBlocked3s2(p, pOff, taps, w, wOff, bias, bOff, o, oOff);
      case 21 -> dwBlocked5s1(p, pOff, taps, w, wOff, bias, bOff, o, oOff);
      case 22 -> dwBlocked5s2(p, pOff, taps, w, wOff, bias, bOff, o, oOff);
      case 29 -> dwBlocked7s1(p, pOff, taps, w, wOff, bias, bOff, o, oOff);
      case 30 -> dwBlocked7s2(p, pOff, taps, w, wOff, bias, bOff, o, oOff);
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void dwBlocked3s1(
      float[] p,
      int pOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff) {
    FloatVector b = bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, bOff);
    FloatVector a0 = b;
    FloatVector a1 = b;
    FloatVector a2 = b;
    FloatVector a3 = b;
    FloatVector a4 = b;
    FloatVector a5 = b;
    FloatVector a6 = b;
    FloatVector a7 = b;
    for (int i = 0, wi = wOff; i < taps.length; i += 3, wi += 3 * LEN) {
      int xi = pOff + taps[i];
      FloatVector w0 = FloatVector.fromArray(SF, w, wi + 0 * LEN);
      FloatVector w1 = FloatVector.fromArray(SF, w, wi + 1 * LEN);
      FloatVector w2 = FloatVector.fromArray(SF, w, wi + 2 * LEN);
      FloatVector v0 = FloatVector.fromArray(SF, p, xi + 0 * LEN);
      a0 = w0.fma(v0, a0);
      FloatVector v1 = FloatVector.fromArray(SF, p, xi + 1 * LEN);
      a0 = w1.fma(v1, a0);
      a1 = w0.fma(v1, a1);
      FloatVector v2 = FloatVector.fromArray(SF, p, xi + 2 * LEN);
      a0 = w2.fma(v2, a0);
      a1 = w1.fma(v2, a1);
      a2 = w0.fma(v2, a2);
      FloatVector v3 = FloatVector.fromArray(SF, p, xi + 3 * LEN);
      a1 = w2.fma(v3, a1);
      a2 = w1.fma(v3, a2);
      a3 = w0.fma(v3, a3);
      FloatVector v4 = FloatVector.fromArray(SF, p, xi + 4 * LEN);
      a2 = w2.fma(v4, a2);
      a3 = w1.fma(v4, a3);
      a4 = w0.fma(v4, a4);
      FloatVector v5 = FloatVector.fromArray(SF, p, xi + 5 * LEN);
      a3 = w2.fma(v5, a3);
      a4 = w1.fma(v5, a4);
      a5 = w0.fma(v5, a5);
      FloatVector v6 = FloatVector.fromArray(SF, p, xi + 6 * LEN);
      a4 = w2.fma(v6, a4);
      a5 = w1.fma(v6, a5);
      a6 = w0.fma(v6, a6);
      FloatVector v7 = FloatVector.fromArray(SF, p, xi + 7 * LEN);
      a5 = w2.fma(v7, a5);
      a6 = w1.fma(v7, a6);
      a7 = w0.fma(v7, a7);
      FloatVector v8 = FloatVector.fromArray(SF, p, xi + 8 * LEN);
      a6 = w2.fma(v8, a6);
      a7 = w1.fma(v8, a7);
      FloatVector v9 = FloatVector.fromArray(SF, p, xi + 9 * LEN);
      a7 = w2.fma(v9, a7);
    }
    a0.intoArray(o, oOff + 0 * LEN);
    a1.intoArray(o, oOff + 1 * LEN);
    a2.intoArray(o, oOff + 2 * LEN);
    a3.intoArray(o, oOff + 3 * LEN);
    a4.intoArray(o, oOff + 4 * LEN);
    a5.intoArray(o, oOff + 5 * LEN);
    a6.intoArray(o, oOff + 6 * LEN);
    a7.intoArray(o, oOff + 7 * LEN);
  }

  private static void dwBlocked3s2(
      float[] p,
      int pOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff) {
    FloatVector b = bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, bOff);
    FloatVector a0 = b;
    FloatVector a1 = b;
    FloatVector a2 = b;
    FloatVector a3 = b;
    FloatVector a4 = b;
    FloatVector a5 = b;
    FloatVector a6 = b;
    FloatVector a7 = b;
    for (int i = 0, wi = wOff; i < taps.length; i += 3, wi += 3 * LEN) {
      int xi = pOff + taps[i];
      FloatVector w0 = FloatVector.fromArray(SF, w, wi + 0 * LEN);
      FloatVector w1 = FloatVector.fromArray(SF, w, wi + 1 * LEN);
      FloatVector w2 = FloatVector.fromArray(SF, w, wi + 2 * LEN);
      FloatVector v0 = FloatVector.fromArray(SF, p, xi + 0 * LEN);
      a0 = w0.fma(v0, a0);
      FloatVector v1 = FloatVector.fromArray(SF, p, xi + 1 * LEN);
      a0 = w1.fma(v1, a0);
      FloatVector v2 = FloatVector.fromArray(SF, p, xi + 2 * LEN);
      a0 = w2.fma(v2, a0);
      a1 = w0.fma(v2, a1);
      FloatVector v3 = FloatVector.fromArray(SF, p, xi + 3 * LEN);
      a1 = w1.fma(v3, a1);
      FloatVector v4 = FloatVector.fromArray(SF, p, xi + 4 * LEN);
      a1 = w2.fma(v4, a1);
      a2 = w0.fma(v4, a2);
      FloatVector v5 = FloatVector.fromArray(SF, p, xi + 5 * LEN);
      a2 = w1.fma(v5, a2);
      FloatVector v6 = FloatVector.fromArray(SF, p, xi + 6 * LEN);
      a2 = w2.fma(v6, a2);
      a3 = w0.fma(v6, a3);
      FloatVector v7 = FloatVector.fromArray(SF, p, xi + 7 * LEN);
      a3 = w1.fma(v7, a3);
      FloatVector v8 = FloatVector.fromArray(SF, p, xi + 8 * LEN);
      a3 = w2.fma(v8, a3);
      a4 = w0.fma(v8, a4);
      FloatVector v9 = FloatVector.fromArray(SF, p, xi + 9 * LEN);
      a4 = w1.fma(v9, a4);
      FloatVector v10 = FloatVector.fromArray(SF, p, xi + 10 * LEN);
      a4 = w2.fma(v10, a4);
      a5 = w0.fma(v10, a5);
      FloatVector v11 = FloatVector.fromArray(SF, p, xi + 11 * LEN);
      a5 = w1.fma(v11, a5);
      FloatVector v12 = FloatVector.fromArray(SF, p, xi + 12 * LEN);
      a5 = w2.fma(v12, a5);
      a6 = w0.fma(v12, a6);
      FloatVector v13 = FloatVector.fromArray(SF, p, xi + 13 * LEN);
      a6 = w1.fma(v13, a6);
      FloatVector v14 = FloatVector.fromArray(SF, p, xi + 14 * LEN);
      a6 = w2.fma(v14, a6);
      a7 = w0.fma(v14, a7);
      FloatVector v15 = FloatVector.fromArray(SF, p, xi + 15 * LEN);
      a7 = w1.fma(v15, a7);
      FloatVector v16 = FloatVector.fromArray(SF, p, xi + 16 * LEN);
      a7 = w2.fma(v16, a7);
    }
    a0.intoArray(o, oOff + 0 * LEN);
    a1.intoArray(o, oOff + 1 * LEN);
    a2.intoArray(o, oOff + 2 * LEN);
    a3.intoArray(o, oOff + 3 * LEN);
    a4.intoArray(o, oOff + 4 * LEN);
    a5.intoArray(o, oOff + 5 * LEN);
    a6.intoArray(o, oOff + 6 * LEN);
    a7.intoArray(o, oOff + 7 * LEN);
  }

  private static void dwBlocked5s1(
      float[] p,
      int pOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff) {
    FloatVector b = bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, bOff);
    FloatVector a0 = b;
    FloatVector a1 = b;
    FloatVector a2 = b;
    FloatVector a3 = b;
    FloatVector a4 = b;
    FloatVector a5 = b;
    FloatVector a6 = b;
    FloatVector a7 = b;
    for (int i = 0, wi = wOff; i < taps.length; i += 5, wi += 5 * LEN) {
      int xi = pOff + taps[i];
      FloatVector w0 = FloatVector.fromArray(SF, w, wi + 0 * LEN);
      FloatVector w1 = FloatVector.fromArray(SF, w, wi + 1 * LEN);
      FloatVector w2 = FloatVector.fromArray(SF, w, wi + 2 * LEN);
      FloatVector w3 = FloatVector.fromArray(SF, w, wi + 3 * LEN);
      FloatVector w4 = FloatVector.fromArray(SF, w, wi + 4 * LEN);
      FloatVector v0 = FloatVector.fromArray(SF, p, xi + 0 * LEN);
      a0 = w0.fma(v0, a0);
      FloatVector v1 = FloatVector.fromArray(SF, p, xi + 1 * LEN);
      a0 = w1.fma(v1, a0);
      a1 = w0.fma(v1, a1);
      FloatVector v2 = FloatVector.fromArray(SF, p, xi + 2 * LEN);
      a0 = w2.fma(v2, a0);
      a1 = w1.fma(v2, a1);
      a2 = w0.fma(v2, a2);
      FloatVector v3 = FloatVector.fromArray(SF, p, xi + 3 * LEN);
      a0 = w3.fma(v3, a0);
      a1 = w2.fma(v3, a1);
      a2 = w1.fma(v3, a2);
      a3 = w0.fma(v3, a3);
      FloatVector v4 = FloatVector.fromArray(SF, p, xi + 4 * LEN);
      a0 = w4.fma(v4, a0);
      a1 = w3.fma(v4, a1);
      a2 = w2.fma(v4, a2);
      a3 = w1.fma(v4, a3);
      a4 = w0.fma(v4, a4);
      FloatVector v5 = FloatVector.fromArray(SF, p, xi + 5 * LEN);
      a1 = w4.fma(v5, a1);
      a2 = w3.fma(v5, a2);
      a3 = w2.fma(v5, a3);
      a4 = w1.fma(v5, a4);
      a5 = w0.fma(v5, a5);
      FloatVector v6 = FloatVector.fromArray(SF, p, xi + 6 * LEN);
      a2 = w4.fma(v6, a2);
      a3 = w3.fma(v6, a3);
      a4 = w2.fma(v6, a4);
      a5 = w1.fma(v6, a5);
      a6 = w0.fma(v6, a6);
      FloatVector v7 = FloatVector.fromArray(SF, p, xi + 7 * LEN);
      a3 = w4.fma(v7, a3);
      a4 = w3.fma(v7, a4);
      a5 = w2.fma(v7, a5);
      a6 = w1.fma(v7, a6);
      a7 = w0.fma(v7, a7);
      FloatVector v8 = FloatVector.fromArray(SF, p, xi + 8 * LEN);
      a4 = w4.fma(v8, a4);
      a5 = w3.fma(v8, a5);
      a6 = w2.fma(v8, a6);
      a7 = w1.fma(v8, a7);
      FloatVector v9 = FloatVector.fromArray(SF, p, xi + 9 * LEN);
      a5 = w4.fma(v9, a5);
      a6 = w3.fma(v9, a6);
      a7 = w2.fma(v9, a7);
      FloatVector v10 = FloatVector.fromArray(SF, p, xi + 10 * LEN);
      a6 = w4.fma(v10, a6);
      a7 = w3.fma(v10, a7);
      FloatVector v11 = FloatVector.fromArray(SF, p, xi + 11 * LEN);
      a7 = w4.fma(v11, a7);
    }
    a0.intoArray(o, oOff + 0 * LEN);
    a1.intoArray(o, oOff + 1 * LEN);
    a2.intoArray(o, oOff + 2 * LEN);
    a3.intoArray(o, oOff + 3 * LEN);
    a4.intoArray(o, oOff + 4 * LEN);
    a5.intoArray(o, oOff + 5 * LEN);
    a6.intoArray(o, oOff + 6 * LEN);
    a7.intoArray(o, oOff + 7 * LEN);
  }

  private static void dwBlocked5s2(
      float[] p,
      int pOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff) {
    FloatVector b = bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, bOff);
    FloatVector a0 = b;
    FloatVector a1 = b;
    FloatVector a2 = b;
    FloatVector a3 = b;
    FloatVector a4 = b;
    FloatVector a5 = b;
    FloatVector a6 = b;
    FloatVector a7 = b;
    for (int i = 0, wi = wOff; i < taps.length; i += 5, wi += 5 * LEN) {
      int xi = pOff + taps[i];
      FloatVector w0 = FloatVector.fromArray(SF, w, wi + 0 * LEN);
      FloatVector w1 = FloatVector.fromArray(SF, w, wi + 1 * LEN);
      FloatVector w2 = FloatVector.fromArray(SF, w, wi + 2 * LEN);
      FloatVector w3 = FloatVector.fromArray(SF, w, wi + 3 * LEN);
      FloatVector w4 = FloatVector.fromArray(SF, w, wi + 4 * LEN);
      FloatVector v0 = FloatVector.fromArray(SF, p, xi + 0 * LEN);
      a0 = w0.fma(v0, a0);
      FloatVector v1 = FloatVector.fromArray(SF, p, xi + 1 * LEN);
      a0 = w1.fma(v1, a0);
      FloatVector v2 = FloatVector.fromArray(SF, p, xi + 2 * LEN);
      a0 = w2.fma(v2, a0);
      a1 = w0.fma(v2, a1);
      FloatVector v3 = FloatVector.fromArray(SF, p, xi + 3 * LEN);
      a0 = w3.fma(v3, a0);
      a1 = w1.fma(v3, a1);
      FloatVector v4 = FloatVector.fromArray(SF, p, xi + 4 * LEN);
      a0 = w4.fma(v4, a0);
      a1 = w2.fma(v4, a1);
      a2 = w0.fma(v4, a2);
      FloatVector v5 = FloatVector.fromArray(SF, p, xi + 5 * LEN);
      a1 = w3.fma(v5, a1);
      a2 = w1.fma(v5, a2);
      FloatVector v6 = FloatVector.fromArray(SF, p, xi + 6 * LEN);
      a1 = w4.fma(v6, a1);
      a2 = w2.fma(v6, a2);
      a3 = w0.fma(v6, a3);
      FloatVector v7 = FloatVector.fromArray(SF, p, xi + 7 * LEN);
      a2 = w3.fma(v7, a2);
      a3 = w1.fma(v7, a3);
      FloatVector v8 = FloatVector.fromArray(SF, p, xi + 8 * LEN);
      a2 = w4.fma(v8, a2);
      a3 = w2.fma(v8, a3);
      a4 = w0.fma(v8, a4);
      FloatVector v9 = FloatVector.fromArray(SF, p, xi + 9 * LEN);
      a3 = w3.fma(v9, a3);
      a4 = w1.fma(v9, a4);
      FloatVector v10 = FloatVector.fromArray(SF, p, xi + 10 * LEN);
      a3 = w4.fma(v10, a3);
      a4 = w2.fma(v10, a4);
      a5 = w0.fma(v10, a5);
      FloatVector v11 = FloatVector.fromArray(SF, p, xi + 11 * LEN);
      a4 = w3.fma(v11, a4);
      a5 = w1.fma(v11, a5);
      FloatVector v12 = FloatVector.fromArray(SF, p, xi + 12 * LEN);
      a4 = w4.fma(v12, a4);
      a5 = w2.fma(v12, a5);
      a6 = w0.fma(v12, a6);
      FloatVector v13 = FloatVector.fromArray(SF, p, xi + 13 * LEN);
      a5 = w3.fma(v13, a5);
      a6 = w1.fma(v13, a6);
      FloatVector v14 = FloatVector.fromArray(SF, p, xi + 14 * LEN);
      a5 = w4.fma(v14, a5);
      a6 = w2.fma(v14, a6);
      a7 = w0.fma(v14, a7);
      FloatVector v15 = FloatVector.fromArray(SF, p, xi + 15 * LEN);
      a6 = w3.fma(v15, a6);
      a7 = w1.fma(v15, a7);
      FloatVector v16 = FloatVector.fromArray(SF, p, xi + 16 * LEN);
      a6 = w4.fma(v16, a6);
      a7 = w2.fma(v16, a7);
      FloatVector v17 = FloatVector.fromArray(SF, p, xi + 17 * LEN);
      a7 = w3.fma(v17, a7);
      FloatVector v18 = FloatVector.fromArray(SF, p, xi + 18 * LEN);
      a7 = w4.fma(v18, a7);
    }
    a0.intoArray(o, oOff + 0 * LEN);
    a1.intoArray(o, oOff + 1 * LEN);
    a2.intoArray(o, oOff + 2 * LEN);
    a3.intoArray(o, oOff + 3 * LEN);
    a4.intoArray(o, oOff + 4 * LEN);
    a5.intoArray(o, oOff + 5 * LEN);
    a6.intoArray(o, oOff + 6 * LEN);
    a7.intoArray(o, oOff + 7 * LEN);
  }

  private static void dwBlocked7s1(
      float[] p,
      int pOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff) {
    FloatVector b = bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, bOff);
    FloatVector a0 = b;
    FloatVector a1 = b;
    FloatVector a2 = b;
    FloatVector a3 = b;
    FloatVector a4 = b;
    FloatVector a5 = b;
    FloatVector a6 = b;
    FloatVector a7 = b;
    for (int i = 0, wi = wOff; i < taps.length; i += 7, wi += 7 * LEN) {
      int xi = pOff + taps[i];
      FloatVector w0 = FloatVector.fromArray(SF, w, wi + 0 * LEN);
      FloatVector w1 = FloatVector.fromArray(SF, w, wi + 1 * LEN);
      FloatVector w2 = FloatVector.fromArray(SF, w, wi + 2 * LEN);
      FloatVector w3 = FloatVector.fromArray(SF, w, wi + 3 * LEN);
      FloatVector w4 = FloatVector.fromArray(SF, w, wi + 4 * LEN);
      FloatVector w5 = FloatVector.fromArray(SF, w, wi + 5 * LEN);
      FloatVector w6 = FloatVector.fromArray(SF, w, wi + 6 * LEN);
      FloatVector v0 = FloatVector.fromArray(SF, p, xi + 0 * LEN);
      a0 = w0.fma(v0, a0);
      FloatVector v1 = FloatVector.fromArray(SF, p, xi + 1 * LEN);
      a0 = w1.fma(v1, a0);
      a1 = w0.fma(v1, a1);
      FloatVector v2 = FloatVector.fromArray(SF, p, xi + 2 * LEN);
      a0 = w2.fma(v2, a0);
      a1 = w1.fma(v2, a1);
      a2 = w0.fma(v2, a2);
      FloatVector v3 = FloatVector.fromArray(SF, p, xi + 3 * LEN);
      a0 = w3.fma(v3, a0);
      a1 = w2.fma(v3, a1);
      a2 = w1.fma(v3, a2);
      a3 = w0.fma(v3, a3);
      FloatVector v4 = FloatVector.fromArray(SF, p, xi + 4 * LEN);
      a0 = w4.fma(v4, a0);
      a1 = w3.fma(v4, a1);
      a2 = w2.fma(v4, a2);
      a3 = w1.fma(v4, a3);
      a4 = w0.fma(v4, a4);
      FloatVector v5 = FloatVector.fromArray(SF, p, xi + 5 * LEN);
      a0 = w5.fma(v5, a0);
      a1 = w4.fma(v5, a1);
      a2 = w3.fma(v5, a2);
      a3 = w2.fma(v5, a3);
      a4 = w1.fma(v5, a4);
      a5 = w0.fma(v5, a5);
      FloatVector v6 = FloatVector.fromArray(SF, p, xi + 6 * LEN);
      a0 = w6.fma(v6, a0);
      a1 = w5.fma(v6, a1);
      a2 = w4.fma(v6, a2);
      a3 = w3.fma(v6, a3);
      a4 = w2.fma(v6, a4);
      a5 = w1.fma(v6, a5);
      a6 = w0.fma(v6, a6);
      FloatVector v7 = FloatVector.fromArray(SF, p, xi + 7 * LEN);
      a1 = w6.fma(v7, a1);
      a2 = w5.fma(v7, a2);
      a3 = w4.fma(v7, a3);
      a4 = w3.fma(v7, a4);
      a5 = w2.fma(v7, a5);
      a6 = w1.fma(v7, a6);
      a7 = w0.fma(v7, a7);
      FloatVector v8 = FloatVector.fromArray(SF, p, xi + 8 * LEN);
      a2 = w6.fma(v8, a2);
      a3 = w5.fma(v8, a3);
      a4 = w4.fma(v8, a4);
      a5 = w3.fma(v8, a5);
      a6 = w2.fma(v8, a6);
      a7 = w1.fma(v8, a7);
      FloatVector v9 = FloatVector.fromArray(SF, p, xi + 9 * LEN);
      a3 = w6.fma(v9, a3);
      a4 = w5.fma(v9, a4);
      a5 = w4.fma(v9, a5);
      a6 = w3.fma(v9, a6);
      a7 = w2.fma(v9, a7);
      FloatVector v10 = FloatVector.fromArray(SF, p, xi + 10 * LEN);
      a4 = w6.fma(v10, a4);
      a5 = w5.fma(v10, a5);
      a6 = w4.fma(v10, a6);
      a7 = w3.fma(v10, a7);
      FloatVector v11 = FloatVector.fromArray(SF, p, xi + 11 * LEN);
      a5 = w6.fma(v11, a5);
      a6 = w5.fma(v11, a6);
      a7 = w4.fma(v11, a7);
      FloatVector v12 = FloatVector.fromArray(SF, p, xi + 12 * LEN);
      a6 = w6.fma(v12, a6);
      a7 = w5.fma(v12, a7);
      FloatVector v13 = FloatVector.fromArray(SF, p, xi + 13 * LEN);
      a7 = w6.fma(v13, a7);
    }
    a0.intoArray(o, oOff + 0 * LEN);
    a1.intoArray(o, oOff + 1 * LEN);
    a2.intoArray(o, oOff + 2 * LEN);
    a3.intoArray(o, oOff + 3 * LEN);
    a4.intoArray(o, oOff + 4 * LEN);
    a5.intoArray(o, oOff + 5 * LEN);
    a6.intoArray(o, oOff + 6 * LEN);
    a7.intoArray(o, oOff + 7 * LEN);
  }

  private static void dwBlocked7s2(
      float[] p,
      int pOff,
      int[] taps,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] o,
      int oOff) {
    FloatVector b = bias == null ? FloatVector.zero(SF) : FloatVector.fromArray(SF, bias, bOff);
    FloatVector a0 = b;
    FloatVector a1 = b;
    FloatVector a2 = b;
    FloatVector a3 = b;
    FloatVector a4 = b;
    FloatVector a5 = b;
    FloatVector a6 = b;
    FloatVector a7 = b;
    for (int i = 0, wi = wOff; i < taps.length; i += 7, wi += 7 * LEN) {
      int xi = pOff + taps[i];
      FloatVector w0 = FloatVector.fromArray(SF, w, wi + 0 * LEN);
      FloatVector w1 = FloatVector.fromArray(SF, w, wi + 1 * LEN);
      FloatVector w2 = FloatVector.fromArray(SF, w, wi + 2 * LEN);
      FloatVector w3 = FloatVector.fromArray(SF, w, wi + 3 * LEN);
      FloatVector w4 = FloatVector.fromArray(SF, w, wi + 4 * LEN);
      FloatVector w5 = FloatVector.fromArray(SF, w, wi + 5 * LEN);
      FloatVector w6 = FloatVector.fromArray(SF, w, wi + 6 * LEN);
      FloatVector v0 = FloatVector.fromArray(SF, p, xi + 0 * LEN);
      a0 = w0.fma(v0, a0);
      FloatVector v1 = FloatVector.fromArray(SF, p, xi + 1 * LEN);
      a0 = w1.fma(v1, a0);
      FloatVector v2 = FloatVector.fromArray(SF, p, xi + 2 * LEN);
      a0 = w2.fma(v2, a0);
      a1 = w0.fma(v2, a1);
      FloatVector v3 = FloatVector.fromArray(SF, p, xi + 3 * LEN);
      a0 = w3.fma(v3, a0);
      a1 = w1.fma(v3, a1);
      FloatVector v4 = FloatVector.fromArray(SF, p, xi + 4 * LEN);
      a0 = w4.fma(v4, a0);
      a1 = w2.fma(v4, a1);
      a2 = w0.fma(v4, a2);
      FloatVector v5 = FloatVector.fromArray(SF, p, xi + 5 * LEN);
      a0 = w5.fma(v5, a0);
      a1 = w3.fma(v5, a1);
      a2 = w1.fma(v5, a2);
      FloatVector v6 = FloatVector.fromArray(SF, p, xi + 6 * LEN);
      a0 = w6.fma(v6, a0);
      a1 = w4.fma(v6, a1);
      a2 = w2.fma(v6, a2);
      a3 = w0.fma(v6, a3);
      FloatVector v7 = FloatVector.fromArray(SF, p, xi + 7 * LEN);
      a1 = w5.fma(v7, a1);
      a2 = w3.fma(v7, a2);
      a3 = w1.fma(v7, a3);
      FloatVector v8 = FloatVector.fromArray(SF, p, xi + 8 * LEN);
      a1 = w6.fma(v8, a1);
      a2 = w4.fma(v8, a2);
      a3 = w2.fma(v8, a3);
      a4 = w0.fma(v8, a4);
      FloatVector v9 = FloatVector.fromArray(SF, p, xi + 9 * LEN);
      a2 = w5.fma(v9, a2);
      a3 = w3.fma(v9, a3);
      a4 = w1.fma(v9, a4);
      FloatVector v10 = FloatVector.fromArray(SF, p, xi + 10 * LEN);
      a2 = w6.fma(v10, a2);
      a3 = w4.fma(v10, a3);
      a4 = w2.fma(v10, a4);
      a5 = w0.fma(v10, a5);
      FloatVector v11 = FloatVector.fromArray(SF, p, xi + 11 * LEN);
      a3 = w5.fma(v11, a3);
      a4 = w3.fma(v11, a4);
      a5 = w1.fma(v11, a5);
      FloatVector v12 = FloatVector.fromArray(SF, p, xi + 12 * LEN);
      a3 = w6.fma(v12, a3);
      a4 = w4.fma(v12, a4);
      a5 = w2.fma(v12, a5);
      a6 = w0.fma(v12, a6);
      FloatVector v13 = FloatVector.fromArray(SF, p, xi + 13 * LEN);
      a4 = w5.fma(v13, a4);
      a5 = w3.fma(v13, a5);
      a6 = w1.fma(v13, a6);
      FloatVector v14 = FloatVector.fromArray(SF, p, xi + 14 * LEN);
      a4 = w6.fma(v14, a4);
      a5 = w4.fma(v14, a5);
      a6 = w2.fma(v14, a6);
      a7 = w0.fma(v14, a7);
      FloatVector v15 = FloatVector.fromArray(SF, p, xi + 15 * LEN);
      a5 = w5.fma(v15, a5);
      a6 = w3.fma(v15, a6);
      a7 = w1.fma(v15, a7);
      FloatVector v16 = FloatVector.fromArray(SF, p, xi + 16 * LEN);
      a5 = w6.fma(v16, a5);
      a6 = w4.fma(v16, a6);
      a7 = w2.fma(v16, a7);
      FloatVector v17 = FloatVector.fromArray(SF, p, xi + 17 * LEN);
      a6 = w5.fma(v17, a6);
      a7 = w3.fma(v17, a7);
      FloatVector v18 = FloatVector.fromArray(SF, p, xi + 18 * LEN);
      a6 = w6.fma(v18, a6);
      a7 = w4.fma(v18, a7);
      FloatVector v19 = FloatVector.fromArray(SF, p, xi + 19 * LEN);
      a7 = w5.fma(v19, a7);
      FloatVector v20 = FloatVector.fromArray(SF, p, xi + 20 * LEN);
      a7 = w6.fma(v20, a7);
    }
    a0.intoArray(o, oOff + 0 * LEN);
    a1.intoArray(o, oOff + 1 * LEN);
    a2.intoArray(o, oOff + 2 * LEN);
    a3.intoArray(o, oOff + 3 * LEN);
    a4.intoArray(o, oOff + 4 * LEN);
    a5.intoArray(o, oOff + 5 * LEN);
    a6.intoArray(o, oOff + 6 * LEN);
    a7.intoArray(o, oOff + 7 * LEN);
  }

  // TRANSPOSE-END

  // GENERATED-BEGIN by kernels/src/build/gen_vector_kernels.py 8 2
  @Override
  public void gemmTile(
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
      float[] edge) {
    if (rows <= 2 && cols == NR) {
      // One or two output channels (heads): two rows, two K chains.
      gemmTileTwo(a, aOff, b, bOff, kc, bias, biasOff, accumulate, c, cOff, ldc, rows);
      return;
    }
    if (rows <= MR / 2 && cols == NR) {
      // Few output channels (heads): half the rows, twice the useful FMAs per cycle.
      gemmTileHalf(a, aOff, b, bOff, kc, bias, biasOff, accumulate, c, cOff, ldc, rows);
      return;
    }
    float[] out = c;
    int o = cOff;
    int ld = ldc;
    boolean full = rows == MR && cols == NR;
    if (!full) {
      // Partial tile: run the full register tile on the edge buffer, copy the valid part back.
      out = edge;
      o = 0;
      ld = NR;
      if (accumulate) {
        for (int r = 0; r < rows; r++) {
          System.arraycopy(c, cOff + r * ldc, edge, r * NR, cols);
        }
      }
    }
    FloatVector c0_0;
    FloatVector c0_1;
    FloatVector c1_0;
    FloatVector c1_1;
    FloatVector c2_0;
    FloatVector c2_1;
    FloatVector c3_0;
    FloatVector c3_1;
    FloatVector c4_0;
    FloatVector c4_1;
    FloatVector c5_0;
    FloatVector c5_1;
    FloatVector c6_0;
    FloatVector c6_1;
    FloatVector c7_0;
    FloatVector c7_1;
    // Accumulators always start in registers (from the bias, or 0 for a later K block) and an
    // earlier block's sums are added at the store: a vector merged from two branches (loaded or
    // broadcast) costs C2 ~15% of the loop when both branches run in one process.
    boolean start = bias != null && !accumulate;
    c0_0 = FloatVector.broadcast(SF, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = FloatVector.broadcast(SF, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = FloatVector.broadcast(SF, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = FloatVector.broadcast(SF, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    c4_0 = FloatVector.broadcast(SF, start && 4 < rows ? bias[biasOff + 4] : 0);
    c4_1 = c4_0;
    c5_0 = FloatVector.broadcast(SF, start && 5 < rows ? bias[biasOff + 5] : 0);
    c5_1 = c5_0;
    c6_0 = FloatVector.broadcast(SF, start && 6 < rows ? bias[biasOff + 6] : 0);
    c6_1 = c6_0;
    c7_0 = FloatVector.broadcast(SF, start && 7 < rows ? bias[biasOff + 7] : 0);
    c7_1 = c7_0;
    int ai = aOff;
    int bi = bOff;
    for (int k = 0; k < kc; k++) {
      FloatVector b0 = FloatVector.fromArray(SF, b, bi + 0 * LEN);
      FloatVector b1 = FloatVector.fromArray(SF, b, bi + 1 * LEN);
      FloatVector a0 = FloatVector.broadcast(SF, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      FloatVector a1 = FloatVector.broadcast(SF, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      FloatVector a2 = FloatVector.broadcast(SF, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      FloatVector a3 = FloatVector.broadcast(SF, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      FloatVector a4 = FloatVector.broadcast(SF, a[ai + 4]);
      c4_0 = a4.fma(b0, c4_0);
      c4_1 = a4.fma(b1, c4_1);
      FloatVector a5 = FloatVector.broadcast(SF, a[ai + 5]);
      c5_0 = a5.fma(b0, c5_0);
      c5_1 = a5.fma(b1, c5_1);
      FloatVector a6 = FloatVector.broadcast(SF, a[ai + 6]);
      c6_0 = a6.fma(b0, c6_0);
      c6_1 = a6.fma(b1, c6_1);
      FloatVector a7 = FloatVector.broadcast(SF, a[ai + 7]);
      c7_0 = a7.fma(b0, c7_0);
      c7_1 = a7.fma(b1, c7_1);
      ai += MR;
      bi += NR;
    }
    if (accumulate) {
      c0_0.add(FloatVector.fromArray(SF, out, o + 0 * ld + 0 * LEN))
          .intoArray(out, o + 0 * ld + 0 * LEN);
      c0_1.add(FloatVector.fromArray(SF, out, o + 0 * ld + 1 * LEN))
          .intoArray(out, o + 0 * ld + 1 * LEN);
      c1_0.add(FloatVector.fromArray(SF, out, o + 1 * ld + 0 * LEN))
          .intoArray(out, o + 1 * ld + 0 * LEN);
      c1_1.add(FloatVector.fromArray(SF, out, o + 1 * ld + 1 * LEN))
          .intoArray(out, o + 1 * ld + 1 * LEN);
      c2_0.add(FloatVector.fromArray(SF, out, o + 2 * ld + 0 * LEN))
          .intoArray(out, o + 2 * ld + 0 * LEN);
      c2_1.add(FloatVector.fromArray(SF, out, o + 2 * ld + 1 * LEN))
          .intoArray(out, o + 2 * ld + 1 * LEN);
      c3_0.add(FloatVector.fromArray(SF, out, o + 3 * ld + 0 * LEN))
          .intoArray(out, o + 3 * ld + 0 * LEN);
      c3_1.add(FloatVector.fromArray(SF, out, o + 3 * ld + 1 * LEN))
          .intoArray(out, o + 3 * ld + 1 * LEN);
      c4_0.add(FloatVector.fromArray(SF, out, o + 4 * ld + 0 * LEN))
          .intoArray(out, o + 4 * ld + 0 * LEN);
      c4_1.add(FloatVector.fromArray(SF, out, o + 4 * ld + 1 * LEN))
          .intoArray(out, o + 4 * ld + 1 * LEN);
      c5_0.add(FloatVector.fromArray(SF, out, o + 5 * ld + 0 * LEN))
          .intoArray(out, o + 5 * ld + 0 * LEN);
      c5_1.add(FloatVector.fromArray(SF, out, o + 5 * ld + 1 * LEN))
          .intoArray(out, o + 5 * ld + 1 * LEN);
      c6_0.add(FloatVector.fromArray(SF, out, o + 6 * ld + 0 * LEN))
          .intoArray(out, o + 6 * ld + 0 * LEN);
      c6_1.add(FloatVector.fromArray(SF, out, o + 6 * ld + 1 * LEN))
          .intoArray(out, o + 6 * ld + 1 * LEN);
      c7_0.add(FloatVector.fromArray(SF, out, o + 7 * ld + 0 * LEN))
          .intoArray(out, o + 7 * ld + 0 * LEN);
      c7_1.add(FloatVector.fromArray(SF, out, o + 7 * ld + 1 * LEN))
          .intoArray(out, o + 7 * ld + 1 * LEN);
    } else {
      c0_0.intoArray(out, o + 0 * ld + 0 * LEN);
      c0_1.intoArray(out, o + 0 * ld + 1 * LEN);
      c1_0.intoArray(out, o + 1 * ld + 0 * LEN);
      c1_1.intoArray(out, o + 1 * ld + 1 * LEN);
      c2_0.intoArray(out, o + 2 * ld + 0 * LEN);
      c2_1.intoArray(out, o + 2 * ld + 1 * LEN);
      c3_0.intoArray(out, o + 3 * ld + 0 * LEN);
      c3_1.intoArray(out, o + 3 * ld + 1 * LEN);
      c4_0.intoArray(out, o + 4 * ld + 0 * LEN);
      c4_1.intoArray(out, o + 4 * ld + 1 * LEN);
      c5_0.intoArray(out, o + 5 * ld + 0 * LEN);
      c5_1.intoArray(out, o + 5 * ld + 1 * LEN);
      c6_0.intoArray(out, o + 6 * ld + 0 * LEN);
      c6_1.intoArray(out, o + 6 * ld + 1 * LEN);
      c7_0.intoArray(out, o + 7 * ld + 0 * LEN);
      c7_1.intoArray(out, o + 7 * ld + 1 * LEN);
    }
    if (!full) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(edge, r * NR, c, cOff + r * ldc, cols);
      }
    }
  }

  @Override
  public void gemmTileD(
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
      double[] edge) {
    if (rows <= 2 && cols == NR_D) {
      // One or two output channels (heads): two rows, two K chains.
      gemmTileTwoD(a, aOff, b, bOff, kc, bias, biasOff, accumulate, c, cOff, ldc, rows);
      return;
    }
    if (rows <= MR / 2 && cols == NR_D) {
      // Few output channels (heads): half the rows, twice the useful FMAs per cycle.
      gemmTileHalfD(a, aOff, b, bOff, kc, bias, biasOff, accumulate, c, cOff, ldc, rows);
      return;
    }
    double[] out = c;
    int o = cOff;
    int ld = ldc;
    boolean full = rows == MR && cols == NR_D;
    if (!full) {
      // Partial tile: run the full register tile on the edge buffer, copy the valid part back.
      out = edge;
      o = 0;
      ld = NR_D;
      if (accumulate) {
        for (int r = 0; r < rows; r++) {
          System.arraycopy(c, cOff + r * ldc, edge, r * NR_D, cols);
        }
      }
    }
    DoubleVector c0_0;
    DoubleVector c0_1;
    DoubleVector c1_0;
    DoubleVector c1_1;
    DoubleVector c2_0;
    DoubleVector c2_1;
    DoubleVector c3_0;
    DoubleVector c3_1;
    DoubleVector c4_0;
    DoubleVector c4_1;
    DoubleVector c5_0;
    DoubleVector c5_1;
    DoubleVector c6_0;
    DoubleVector c6_1;
    DoubleVector c7_0;
    DoubleVector c7_1;
    // Accumulators always start in registers (from the bias, or 0 for a later K block) and an
    // earlier block's sums are added at the store: a vector merged from two branches (loaded or
    // broadcast) costs C2 ~15% of the loop when both branches run in one process.
    boolean start = bias != null && !accumulate;
    c0_0 = DoubleVector.broadcast(SD, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = DoubleVector.broadcast(SD, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = DoubleVector.broadcast(SD, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = DoubleVector.broadcast(SD, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    c4_0 = DoubleVector.broadcast(SD, start && 4 < rows ? bias[biasOff + 4] : 0);
    c4_1 = c4_0;
    c5_0 = DoubleVector.broadcast(SD, start && 5 < rows ? bias[biasOff + 5] : 0);
    c5_1 = c5_0;
    c6_0 = DoubleVector.broadcast(SD, start && 6 < rows ? bias[biasOff + 6] : 0);
    c6_1 = c6_0;
    c7_0 = DoubleVector.broadcast(SD, start && 7 < rows ? bias[biasOff + 7] : 0);
    c7_1 = c7_0;
    int ai = aOff;
    int bi = bOff;
    for (int k = 0; k < kc; k++) {
      DoubleVector b0 = DoubleVector.fromArray(SD, b, bi + 0 * LEND);
      DoubleVector b1 = DoubleVector.fromArray(SD, b, bi + 1 * LEND);
      DoubleVector a0 = DoubleVector.broadcast(SD, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      DoubleVector a1 = DoubleVector.broadcast(SD, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      DoubleVector a2 = DoubleVector.broadcast(SD, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      DoubleVector a3 = DoubleVector.broadcast(SD, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      DoubleVector a4 = DoubleVector.broadcast(SD, a[ai + 4]);
      c4_0 = a4.fma(b0, c4_0);
      c4_1 = a4.fma(b1, c4_1);
      DoubleVector a5 = DoubleVector.broadcast(SD, a[ai + 5]);
      c5_0 = a5.fma(b0, c5_0);
      c5_1 = a5.fma(b1, c5_1);
      DoubleVector a6 = DoubleVector.broadcast(SD, a[ai + 6]);
      c6_0 = a6.fma(b0, c6_0);
      c6_1 = a6.fma(b1, c6_1);
      DoubleVector a7 = DoubleVector.broadcast(SD, a[ai + 7]);
      c7_0 = a7.fma(b0, c7_0);
      c7_1 = a7.fma(b1, c7_1);
      ai += MR;
      bi += NR_D;
    }
    if (accumulate) {
      c0_0.add(DoubleVector.fromArray(SD, out, o + 0 * ld + 0 * LEND))
          .intoArray(out, o + 0 * ld + 0 * LEND);
      c0_1.add(DoubleVector.fromArray(SD, out, o + 0 * ld + 1 * LEND))
          .intoArray(out, o + 0 * ld + 1 * LEND);
      c1_0.add(DoubleVector.fromArray(SD, out, o + 1 * ld + 0 * LEND))
          .intoArray(out, o + 1 * ld + 0 * LEND);
      c1_1.add(DoubleVector.fromArray(SD, out, o + 1 * ld + 1 * LEND))
          .intoArray(out, o + 1 * ld + 1 * LEND);
      c2_0.add(DoubleVector.fromArray(SD, out, o + 2 * ld + 0 * LEND))
          .intoArray(out, o + 2 * ld + 0 * LEND);
      c2_1.add(DoubleVector.fromArray(SD, out, o + 2 * ld + 1 * LEND))
          .intoArray(out, o + 2 * ld + 1 * LEND);
      c3_0.add(DoubleVector.fromArray(SD, out, o + 3 * ld + 0 * LEND))
          .intoArray(out, o + 3 * ld + 0 * LEND);
      c3_1.add(DoubleVector.fromArray(SD, out, o + 3 * ld + 1 * LEND))
          .intoArray(out, o + 3 * ld + 1 * LEND);
      c4_0.add(DoubleVector.fromArray(SD, out, o + 4 * ld + 0 * LEND))
          .intoArray(out, o + 4 * ld + 0 * LEND);
      c4_1.add(DoubleVector.fromArray(SD, out, o + 4 * ld + 1 * LEND))
          .intoArray(out, o + 4 * ld + 1 * LEND);
      c5_0.add(DoubleVector.fromArray(SD, out, o + 5 * ld + 0 * LEND))
          .intoArray(out, o + 5 * ld + 0 * LEND);
      c5_1.add(DoubleVector.fromArray(SD, out, o + 5 * ld + 1 * LEND))
          .intoArray(out, o + 5 * ld + 1 * LEND);
      c6_0.add(DoubleVector.fromArray(SD, out, o + 6 * ld + 0 * LEND))
          .intoArray(out, o + 6 * ld + 0 * LEND);
      c6_1.add(DoubleVector.fromArray(SD, out, o + 6 * ld + 1 * LEND))
          .intoArray(out, o + 6 * ld + 1 * LEND);
      c7_0.add(DoubleVector.fromArray(SD, out, o + 7 * ld + 0 * LEND))
          .intoArray(out, o + 7 * ld + 0 * LEND);
      c7_1.add(DoubleVector.fromArray(SD, out, o + 7 * ld + 1 * LEND))
          .intoArray(out, o + 7 * ld + 1 * LEND);
    } else {
      c0_0.intoArray(out, o + 0 * ld + 0 * LEND);
      c0_1.intoArray(out, o + 0 * ld + 1 * LEND);
      c1_0.intoArray(out, o + 1 * ld + 0 * LEND);
      c1_1.intoArray(out, o + 1 * ld + 1 * LEND);
      c2_0.intoArray(out, o + 2 * ld + 0 * LEND);
      c2_1.intoArray(out, o + 2 * ld + 1 * LEND);
      c3_0.intoArray(out, o + 3 * ld + 0 * LEND);
      c3_1.intoArray(out, o + 3 * ld + 1 * LEND);
      c4_0.intoArray(out, o + 4 * ld + 0 * LEND);
      c4_1.intoArray(out, o + 4 * ld + 1 * LEND);
      c5_0.intoArray(out, o + 5 * ld + 0 * LEND);
      c5_1.intoArray(out, o + 5 * ld + 1 * LEND);
      c6_0.intoArray(out, o + 6 * ld + 0 * LEND);
      c6_1.intoArray(out, o + 6 * ld + 1 * LEND);
      c7_0.intoArray(out, o + 7 * ld + 0 * LEND);
      c7_1.intoArray(out, o + 7 * ld + 1 * LEND);
    }
    if (!full) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(edge, r * NR_D, c, cOff + r * ldc, cols);
      }
    }
  }

  @Override
  public void gemmTileShift(
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
      int prefetch) {
    if (rows <= 2) {
      gemmTileShiftTwo(
          a, aOff, x, xBase, offs, offOff, kc, bias, biasOff, rows, accumulate, c, cOff, ldc);
      return;
    }
    if (rows <= MR / 2) {
      gemmTileShiftHalf(
          a, aOff, x, xBase, offs, offOff, kc, bias, biasOff, rows, accumulate, c, cOff, ldc);
      return;
    }
    FloatVector c0_0;
    FloatVector c0_1;
    FloatVector c1_0;
    FloatVector c1_1;
    FloatVector c2_0;
    FloatVector c2_1;
    FloatVector c3_0;
    FloatVector c3_1;
    FloatVector c4_0;
    FloatVector c4_1;
    FloatVector c5_0;
    FloatVector c5_1;
    FloatVector c6_0;
    FloatVector c6_1;
    FloatVector c7_0;
    FloatVector c7_1;
    // Accumulators always start in registers (from the bias, or 0 for a later K block) and an
    // earlier block's sums are added at the store: a vector merged from two branches (loaded or
    // broadcast) costs C2 ~15% of the loop when both branches run in one process.
    boolean start = bias != null && !accumulate;
    c0_0 = FloatVector.broadcast(SF, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = FloatVector.broadcast(SF, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = FloatVector.broadcast(SF, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = FloatVector.broadcast(SF, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    c4_0 = FloatVector.broadcast(SF, start && 4 < rows ? bias[biasOff + 4] : 0);
    c4_1 = c4_0;
    c5_0 = FloatVector.broadcast(SF, start && 5 < rows ? bias[biasOff + 5] : 0);
    c5_1 = c5_0;
    c6_0 = FloatVector.broadcast(SF, start && 6 < rows ? bias[biasOff + 6] : 0);
    c6_1 = c6_0;
    c7_0 = FloatVector.broadcast(SF, start && 7 < rows ? bias[biasOff + 7] : 0);
    c7_1 = c7_0;
    int ai = aOff;
    float touched = 0;
    for (int k = 0; k < kc; k++) {
      int bi = xBase + offs[offOff + k];
      if (prefetch != 0) {
        // Touch the next panel's lines of this row while the FMAs run: the K rows come from K
        // planes, too many streams for the hardware prefetchers.
        touched += x[bi + prefetch] + x[bi + prefetch + 64 / 4];
      }
      FloatVector b0 = FloatVector.fromArray(SF, x, bi + 0 * LEN);
      FloatVector b1 = FloatVector.fromArray(SF, x, bi + 1 * LEN);
      FloatVector a0 = FloatVector.broadcast(SF, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      FloatVector a1 = FloatVector.broadcast(SF, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      FloatVector a2 = FloatVector.broadcast(SF, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      FloatVector a3 = FloatVector.broadcast(SF, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      FloatVector a4 = FloatVector.broadcast(SF, a[ai + 4]);
      c4_0 = a4.fma(b0, c4_0);
      c4_1 = a4.fma(b1, c4_1);
      FloatVector a5 = FloatVector.broadcast(SF, a[ai + 5]);
      c5_0 = a5.fma(b0, c5_0);
      c5_1 = a5.fma(b1, c5_1);
      FloatVector a6 = FloatVector.broadcast(SF, a[ai + 6]);
      c6_0 = a6.fma(b0, c6_0);
      c6_1 = a6.fma(b1, c6_1);
      FloatVector a7 = FloatVector.broadcast(SF, a[ai + 7]);
      c7_0 = a7.fma(b0, c7_0);
      c7_1 = a7.fma(b1, c7_1);
      ai += MR;
    }
    if (accumulate) {
      c0_0.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 0 * LEN))
          .intoArray(c, cOff + 0 * ldc + 0 * LEN);
      c0_1.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 1 * LEN))
          .intoArray(c, cOff + 0 * ldc + 1 * LEN);
      c1_0.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 0 * LEN))
          .intoArray(c, cOff + 1 * ldc + 0 * LEN);
      c1_1.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 1 * LEN))
          .intoArray(c, cOff + 1 * ldc + 1 * LEN);
      c2_0.add(FloatVector.fromArray(SF, c, cOff + 2 * ldc + 0 * LEN))
          .intoArray(c, cOff + 2 * ldc + 0 * LEN);
      c2_1.add(FloatVector.fromArray(SF, c, cOff + 2 * ldc + 1 * LEN))
          .intoArray(c, cOff + 2 * ldc + 1 * LEN);
      c3_0.add(FloatVector.fromArray(SF, c, cOff + 3 * ldc + 0 * LEN))
          .intoArray(c, cOff + 3 * ldc + 0 * LEN);
      c3_1.add(FloatVector.fromArray(SF, c, cOff + 3 * ldc + 1 * LEN))
          .intoArray(c, cOff + 3 * ldc + 1 * LEN);
      c4_0.add(FloatVector.fromArray(SF, c, cOff + 4 * ldc + 0 * LEN))
          .intoArray(c, cOff + 4 * ldc + 0 * LEN);
      c4_1.add(FloatVector.fromArray(SF, c, cOff + 4 * ldc + 1 * LEN))
          .intoArray(c, cOff + 4 * ldc + 1 * LEN);
      c5_0.add(FloatVector.fromArray(SF, c, cOff + 5 * ldc + 0 * LEN))
          .intoArray(c, cOff + 5 * ldc + 0 * LEN);
      c5_1.add(FloatVector.fromArray(SF, c, cOff + 5 * ldc + 1 * LEN))
          .intoArray(c, cOff + 5 * ldc + 1 * LEN);
      c6_0.add(FloatVector.fromArray(SF, c, cOff + 6 * ldc + 0 * LEN))
          .intoArray(c, cOff + 6 * ldc + 0 * LEN);
      c6_1.add(FloatVector.fromArray(SF, c, cOff + 6 * ldc + 1 * LEN))
          .intoArray(c, cOff + 6 * ldc + 1 * LEN);
      c7_0.add(FloatVector.fromArray(SF, c, cOff + 7 * ldc + 0 * LEN))
          .intoArray(c, cOff + 7 * ldc + 0 * LEN);
      c7_1.add(FloatVector.fromArray(SF, c, cOff + 7 * ldc + 1 * LEN))
          .intoArray(c, cOff + 7 * ldc + 1 * LEN);
    } else {
      c0_0.intoArray(c, cOff + 0 * ldc + 0 * LEN);
      c0_1.intoArray(c, cOff + 0 * ldc + 1 * LEN);
      c1_0.intoArray(c, cOff + 1 * ldc + 0 * LEN);
      c1_1.intoArray(c, cOff + 1 * ldc + 1 * LEN);
      c2_0.intoArray(c, cOff + 2 * ldc + 0 * LEN);
      c2_1.intoArray(c, cOff + 2 * ldc + 1 * LEN);
      c3_0.intoArray(c, cOff + 3 * ldc + 0 * LEN);
      c3_1.intoArray(c, cOff + 3 * ldc + 1 * LEN);
      c4_0.intoArray(c, cOff + 4 * ldc + 0 * LEN);
      c4_1.intoArray(c, cOff + 4 * ldc + 1 * LEN);
      c5_0.intoArray(c, cOff + 5 * ldc + 0 * LEN);
      c5_1.intoArray(c, cOff + 5 * ldc + 1 * LEN);
      c6_0.intoArray(c, cOff + 6 * ldc + 0 * LEN);
      c6_1.intoArray(c, cOff + 6 * ldc + 1 * LEN);
      c7_0.intoArray(c, cOff + 7 * ldc + 0 * LEN);
      c7_1.intoArray(c, cOff + 7 * ldc + 1 * LEN);
    }
    sink = touched;
  }

  @Override
  public void gemmTileShiftD(
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
      int prefetch) {
    if (rows <= 2) {
      gemmTileShiftTwoD(
          a, aOff, x, xBase, offs, offOff, kc, bias, biasOff, rows, accumulate, c, cOff, ldc);
      return;
    }
    if (rows <= MR / 2) {
      gemmTileShiftHalfD(
          a, aOff, x, xBase, offs, offOff, kc, bias, biasOff, rows, accumulate, c, cOff, ldc);
      return;
    }
    DoubleVector c0_0;
    DoubleVector c0_1;
    DoubleVector c1_0;
    DoubleVector c1_1;
    DoubleVector c2_0;
    DoubleVector c2_1;
    DoubleVector c3_0;
    DoubleVector c3_1;
    DoubleVector c4_0;
    DoubleVector c4_1;
    DoubleVector c5_0;
    DoubleVector c5_1;
    DoubleVector c6_0;
    DoubleVector c6_1;
    DoubleVector c7_0;
    DoubleVector c7_1;
    // Accumulators always start in registers (from the bias, or 0 for a later K block) and an
    // earlier block's sums are added at the store: a vector merged from two branches (loaded or
    // broadcast) costs C2 ~15% of the loop when both branches run in one process.
    boolean start = bias != null && !accumulate;
    c0_0 = DoubleVector.broadcast(SD, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = DoubleVector.broadcast(SD, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = DoubleVector.broadcast(SD, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = DoubleVector.broadcast(SD, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    c4_0 = DoubleVector.broadcast(SD, start && 4 < rows ? bias[biasOff + 4] : 0);
    c4_1 = c4_0;
    c5_0 = DoubleVector.broadcast(SD, start && 5 < rows ? bias[biasOff + 5] : 0);
    c5_1 = c5_0;
    c6_0 = DoubleVector.broadcast(SD, start && 6 < rows ? bias[biasOff + 6] : 0);
    c6_1 = c6_0;
    c7_0 = DoubleVector.broadcast(SD, start && 7 < rows ? bias[biasOff + 7] : 0);
    c7_1 = c7_0;
    int ai = aOff;
    double touched = 0;
    for (int k = 0; k < kc; k++) {
      int bi = xBase + offs[offOff + k];
      if (prefetch != 0) {
        // Touch the next panel's lines of this row while the FMAs run: the K rows come from K
        // planes, too many streams for the hardware prefetchers.
        touched += x[bi + prefetch] + x[bi + prefetch + 64 / 8];
      }
      DoubleVector b0 = DoubleVector.fromArray(SD, x, bi + 0 * LEND);
      DoubleVector b1 = DoubleVector.fromArray(SD, x, bi + 1 * LEND);
      DoubleVector a0 = DoubleVector.broadcast(SD, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      DoubleVector a1 = DoubleVector.broadcast(SD, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      DoubleVector a2 = DoubleVector.broadcast(SD, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      DoubleVector a3 = DoubleVector.broadcast(SD, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      DoubleVector a4 = DoubleVector.broadcast(SD, a[ai + 4]);
      c4_0 = a4.fma(b0, c4_0);
      c4_1 = a4.fma(b1, c4_1);
      DoubleVector a5 = DoubleVector.broadcast(SD, a[ai + 5]);
      c5_0 = a5.fma(b0, c5_0);
      c5_1 = a5.fma(b1, c5_1);
      DoubleVector a6 = DoubleVector.broadcast(SD, a[ai + 6]);
      c6_0 = a6.fma(b0, c6_0);
      c6_1 = a6.fma(b1, c6_1);
      DoubleVector a7 = DoubleVector.broadcast(SD, a[ai + 7]);
      c7_0 = a7.fma(b0, c7_0);
      c7_1 = a7.fma(b1, c7_1);
      ai += MR;
    }
    if (accumulate) {
      c0_0.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 0 * LEND))
          .intoArray(c, cOff + 0 * ldc + 0 * LEND);
      c0_1.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 1 * LEND))
          .intoArray(c, cOff + 0 * ldc + 1 * LEND);
      c1_0.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 0 * LEND))
          .intoArray(c, cOff + 1 * ldc + 0 * LEND);
      c1_1.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 1 * LEND))
          .intoArray(c, cOff + 1 * ldc + 1 * LEND);
      c2_0.add(DoubleVector.fromArray(SD, c, cOff + 2 * ldc + 0 * LEND))
          .intoArray(c, cOff + 2 * ldc + 0 * LEND);
      c2_1.add(DoubleVector.fromArray(SD, c, cOff + 2 * ldc + 1 * LEND))
          .intoArray(c, cOff + 2 * ldc + 1 * LEND);
      c3_0.add(DoubleVector.fromArray(SD, c, cOff + 3 * ldc + 0 * LEND))
          .intoArray(c, cOff + 3 * ldc + 0 * LEND);
      c3_1.add(DoubleVector.fromArray(SD, c, cOff + 3 * ldc + 1 * LEND))
          .intoArray(c, cOff + 3 * ldc + 1 * LEND);
      c4_0.add(DoubleVector.fromArray(SD, c, cOff + 4 * ldc + 0 * LEND))
          .intoArray(c, cOff + 4 * ldc + 0 * LEND);
      c4_1.add(DoubleVector.fromArray(SD, c, cOff + 4 * ldc + 1 * LEND))
          .intoArray(c, cOff + 4 * ldc + 1 * LEND);
      c5_0.add(DoubleVector.fromArray(SD, c, cOff + 5 * ldc + 0 * LEND))
          .intoArray(c, cOff + 5 * ldc + 0 * LEND);
      c5_1.add(DoubleVector.fromArray(SD, c, cOff + 5 * ldc + 1 * LEND))
          .intoArray(c, cOff + 5 * ldc + 1 * LEND);
      c6_0.add(DoubleVector.fromArray(SD, c, cOff + 6 * ldc + 0 * LEND))
          .intoArray(c, cOff + 6 * ldc + 0 * LEND);
      c6_1.add(DoubleVector.fromArray(SD, c, cOff + 6 * ldc + 1 * LEND))
          .intoArray(c, cOff + 6 * ldc + 1 * LEND);
      c7_0.add(DoubleVector.fromArray(SD, c, cOff + 7 * ldc + 0 * LEND))
          .intoArray(c, cOff + 7 * ldc + 0 * LEND);
      c7_1.add(DoubleVector.fromArray(SD, c, cOff + 7 * ldc + 1 * LEND))
          .intoArray(c, cOff + 7 * ldc + 1 * LEND);
    } else {
      c0_0.intoArray(c, cOff + 0 * ldc + 0 * LEND);
      c0_1.intoArray(c, cOff + 0 * ldc + 1 * LEND);
      c1_0.intoArray(c, cOff + 1 * ldc + 0 * LEND);
      c1_1.intoArray(c, cOff + 1 * ldc + 1 * LEND);
      c2_0.intoArray(c, cOff + 2 * ldc + 0 * LEND);
      c2_1.intoArray(c, cOff + 2 * ldc + 1 * LEND);
      c3_0.intoArray(c, cOff + 3 * ldc + 0 * LEND);
      c3_1.intoArray(c, cOff + 3 * ldc + 1 * LEND);
      c4_0.intoArray(c, cOff + 4 * ldc + 0 * LEND);
      c4_1.intoArray(c, cOff + 4 * ldc + 1 * LEND);
      c5_0.intoArray(c, cOff + 5 * ldc + 0 * LEND);
      c5_1.intoArray(c, cOff + 5 * ldc + 1 * LEND);
      c6_0.intoArray(c, cOff + 6 * ldc + 0 * LEND);
      c6_1.intoArray(c, cOff + 6 * ldc + 1 * LEND);
      c7_0.intoArray(c, cOff + 7 * ldc + 0 * LEND);
      c7_1.intoArray(c, cOff + 7 * ldc + 1 * LEND);
    }
    sinkD = touched;
  }

  @Override
  public void gemmTileShiftPack(
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
    if (rows < MR) {
      CpuKernels.super.gemmTileShiftPack(
          a,
          aOff,
          x,
          xBase,
          offs,
          offOff,
          kc,
          bias,
          biasOff,
          rows,
          accumulate,
          c,
          cOff,
          ldc,
          prefetch,
          pb,
          pbOff,
          edge);
      return;
    }
    FloatVector c0_0;
    FloatVector c0_1;
    FloatVector c1_0;
    FloatVector c1_1;
    FloatVector c2_0;
    FloatVector c2_1;
    FloatVector c3_0;
    FloatVector c3_1;
    FloatVector c4_0;
    FloatVector c4_1;
    FloatVector c5_0;
    FloatVector c5_1;
    FloatVector c6_0;
    FloatVector c6_1;
    FloatVector c7_0;
    FloatVector c7_1;
    // Accumulators always start in registers (from the bias, or 0 for a later K block) and an
    // earlier block's sums are added at the store: a vector merged from two branches (loaded or
    // broadcast) costs C2 ~15% of the loop when both branches run in one process.
    boolean start = bias != null && !accumulate;
    c0_0 = FloatVector.broadcast(SF, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = FloatVector.broadcast(SF, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = FloatVector.broadcast(SF, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = FloatVector.broadcast(SF, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    c4_0 = FloatVector.broadcast(SF, start && 4 < rows ? bias[biasOff + 4] : 0);
    c4_1 = c4_0;
    c5_0 = FloatVector.broadcast(SF, start && 5 < rows ? bias[biasOff + 5] : 0);
    c5_1 = c5_0;
    c6_0 = FloatVector.broadcast(SF, start && 6 < rows ? bias[biasOff + 6] : 0);
    c6_1 = c6_0;
    c7_0 = FloatVector.broadcast(SF, start && 7 < rows ? bias[biasOff + 7] : 0);
    c7_1 = c7_0;
    int ai = aOff;
    float touched = 0;
    for (int k = 0; k < kc; k++) {
      int bi = xBase + offs[offOff + k];
      if (prefetch != 0) {
        // Touch the next panel's lines of this row while the FMAs run: the K rows come from K
        // planes, too many streams for the hardware prefetchers.
        touched += x[bi + prefetch] + x[bi + prefetch + 64 / 4];
      }
      FloatVector b0 = FloatVector.fromArray(SF, x, bi + 0 * LEN);
      FloatVector b1 = FloatVector.fromArray(SF, x, bi + 1 * LEN);
      b0.intoArray(pb, pbOff + k * NR + 0 * LEN);
      b1.intoArray(pb, pbOff + k * NR + 1 * LEN);
      FloatVector a0 = FloatVector.broadcast(SF, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      FloatVector a1 = FloatVector.broadcast(SF, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      FloatVector a2 = FloatVector.broadcast(SF, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      FloatVector a3 = FloatVector.broadcast(SF, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      FloatVector a4 = FloatVector.broadcast(SF, a[ai + 4]);
      c4_0 = a4.fma(b0, c4_0);
      c4_1 = a4.fma(b1, c4_1);
      FloatVector a5 = FloatVector.broadcast(SF, a[ai + 5]);
      c5_0 = a5.fma(b0, c5_0);
      c5_1 = a5.fma(b1, c5_1);
      FloatVector a6 = FloatVector.broadcast(SF, a[ai + 6]);
      c6_0 = a6.fma(b0, c6_0);
      c6_1 = a6.fma(b1, c6_1);
      FloatVector a7 = FloatVector.broadcast(SF, a[ai + 7]);
      c7_0 = a7.fma(b0, c7_0);
      c7_1 = a7.fma(b1, c7_1);
      ai += MR;
    }
    if (accumulate) {
      c0_0.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 0 * LEN))
          .intoArray(c, cOff + 0 * ldc + 0 * LEN);
      c0_1.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 1 * LEN))
          .intoArray(c, cOff + 0 * ldc + 1 * LEN);
      c1_0.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 0 * LEN))
          .intoArray(c, cOff + 1 * ldc + 0 * LEN);
      c1_1.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 1 * LEN))
          .intoArray(c, cOff + 1 * ldc + 1 * LEN);
      c2_0.add(FloatVector.fromArray(SF, c, cOff + 2 * ldc + 0 * LEN))
          .intoArray(c, cOff + 2 * ldc + 0 * LEN);
      c2_1.add(FloatVector.fromArray(SF, c, cOff + 2 * ldc + 1 * LEN))
          .intoArray(c, cOff + 2 * ldc + 1 * LEN);
      c3_0.add(FloatVector.fromArray(SF, c, cOff + 3 * ldc + 0 * LEN))
          .intoArray(c, cOff + 3 * ldc + 0 * LEN);
      c3_1.add(FloatVector.fromArray(SF, c, cOff + 3 * ldc + 1 * LEN))
          .intoArray(c, cOff + 3 * ldc + 1 * LEN);
      c4_0.add(FloatVector.fromArray(SF, c, cOff + 4 * ldc + 0 * LEN))
          .intoArray(c, cOff + 4 * ldc + 0 * LEN);
      c4_1.add(FloatVector.fromArray(SF, c, cOff + 4 * ldc + 1 * LEN))
          .intoArray(c, cOff + 4 * ldc + 1 * LEN);
      c5_0.add(FloatVector.fromArray(SF, c, cOff + 5 * ldc + 0 * LEN))
          .intoArray(c, cOff + 5 * ldc + 0 * LEN);
      c5_1.add(FloatVector.fromArray(SF, c, cOff + 5 * ldc + 1 * LEN))
          .intoArray(c, cOff + 5 * ldc + 1 * LEN);
      c6_0.add(FloatVector.fromArray(SF, c, cOff + 6 * ldc + 0 * LEN))
          .intoArray(c, cOff + 6 * ldc + 0 * LEN);
      c6_1.add(FloatVector.fromArray(SF, c, cOff + 6 * ldc + 1 * LEN))
          .intoArray(c, cOff + 6 * ldc + 1 * LEN);
      c7_0.add(FloatVector.fromArray(SF, c, cOff + 7 * ldc + 0 * LEN))
          .intoArray(c, cOff + 7 * ldc + 0 * LEN);
      c7_1.add(FloatVector.fromArray(SF, c, cOff + 7 * ldc + 1 * LEN))
          .intoArray(c, cOff + 7 * ldc + 1 * LEN);
    } else {
      c0_0.intoArray(c, cOff + 0 * ldc + 0 * LEN);
      c0_1.intoArray(c, cOff + 0 * ldc + 1 * LEN);
      c1_0.intoArray(c, cOff + 1 * ldc + 0 * LEN);
      c1_1.intoArray(c, cOff + 1 * ldc + 1 * LEN);
      c2_0.intoArray(c, cOff + 2 * ldc + 0 * LEN);
      c2_1.intoArray(c, cOff + 2 * ldc + 1 * LEN);
      c3_0.intoArray(c, cOff + 3 * ldc + 0 * LEN);
      c3_1.intoArray(c, cOff + 3 * ldc + 1 * LEN);
      c4_0.intoArray(c, cOff + 4 * ldc + 0 * LEN);
      c4_1.intoArray(c, cOff + 4 * ldc + 1 * LEN);
      c5_0.intoArray(c, cOff + 5 * ldc + 0 * LEN);
      c5_1.intoArray(c, cOff + 5 * ldc + 1 * LEN);
      c6_0.intoArray(c, cOff + 6 * ldc + 0 * LEN);
      c6_1.intoArray(c, cOff + 6 * ldc + 1 * LEN);
      c7_0.intoArray(c, cOff + 7 * ldc + 0 * LEN);
      c7_1.intoArray(c, cOff + 7 * ldc + 1 * LEN);
    }
    sink = touched;
  }

  @Override
  public void gemmTileShiftPackD(
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
    if (rows < MR) {
      CpuKernels.super.gemmTileShiftPackD(
          a,
          aOff,
          x,
          xBase,
          offs,
          offOff,
          kc,
          bias,
          biasOff,
          rows,
          accumulate,
          c,
          cOff,
          ldc,
          prefetch,
          pb,
          pbOff,
          edge);
      return;
    }
    DoubleVector c0_0;
    DoubleVector c0_1;
    DoubleVector c1_0;
    DoubleVector c1_1;
    DoubleVector c2_0;
    DoubleVector c2_1;
    DoubleVector c3_0;
    DoubleVector c3_1;
    DoubleVector c4_0;
    DoubleVector c4_1;
    DoubleVector c5_0;
    DoubleVector c5_1;
    DoubleVector c6_0;
    DoubleVector c6_1;
    DoubleVector c7_0;
    DoubleVector c7_1;
    // Accumulators always start in registers (from the bias, or 0 for a later K block) and an
    // earlier block's sums are added at the store: a vector merged from two branches (loaded or
    // broadcast) costs C2 ~15% of the loop when both branches run in one process.
    boolean start = bias != null && !accumulate;
    c0_0 = DoubleVector.broadcast(SD, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = DoubleVector.broadcast(SD, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = DoubleVector.broadcast(SD, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = DoubleVector.broadcast(SD, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    c4_0 = DoubleVector.broadcast(SD, start && 4 < rows ? bias[biasOff + 4] : 0);
    c4_1 = c4_0;
    c5_0 = DoubleVector.broadcast(SD, start && 5 < rows ? bias[biasOff + 5] : 0);
    c5_1 = c5_0;
    c6_0 = DoubleVector.broadcast(SD, start && 6 < rows ? bias[biasOff + 6] : 0);
    c6_1 = c6_0;
    c7_0 = DoubleVector.broadcast(SD, start && 7 < rows ? bias[biasOff + 7] : 0);
    c7_1 = c7_0;
    int ai = aOff;
    double touched = 0;
    for (int k = 0; k < kc; k++) {
      int bi = xBase + offs[offOff + k];
      if (prefetch != 0) {
        // Touch the next panel's lines of this row while the FMAs run: the K rows come from K
        // planes, too many streams for the hardware prefetchers.
        touched += x[bi + prefetch] + x[bi + prefetch + 64 / 8];
      }
      DoubleVector b0 = DoubleVector.fromArray(SD, x, bi + 0 * LEND);
      DoubleVector b1 = DoubleVector.fromArray(SD, x, bi + 1 * LEND);
      b0.intoArray(pb, pbOff + k * NR_D + 0 * LEND);
      b1.intoArray(pb, pbOff + k * NR_D + 1 * LEND);
      DoubleVector a0 = DoubleVector.broadcast(SD, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      DoubleVector a1 = DoubleVector.broadcast(SD, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      DoubleVector a2 = DoubleVector.broadcast(SD, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      DoubleVector a3 = DoubleVector.broadcast(SD, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      DoubleVector a4 = DoubleVector.broadcast(SD, a[ai + 4]);
      c4_0 = a4.fma(b0, c4_0);
      c4_1 = a4.fma(b1, c4_1);
      DoubleVector a5 = DoubleVector.broadcast(SD, a[ai + 5]);
      c5_0 = a5.fma(b0, c5_0);
      c5_1 = a5.fma(b1, c5_1);
      DoubleVector a6 = DoubleVector.broadcast(SD, a[ai + 6]);
      c6_0 = a6.fma(b0, c6_0);
      c6_1 = a6.fma(b1, c6_1);
      DoubleVector a7 = DoubleVector.broadcast(SD, a[ai + 7]);
      c7_0 = a7.fma(b0, c7_0);
      c7_1 = a7.fma(b1, c7_1);
      ai += MR;
    }
    if (accumulate) {
      c0_0.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 0 * LEND))
          .intoArray(c, cOff + 0 * ldc + 0 * LEND);
      c0_1.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 1 * LEND))
          .intoArray(c, cOff + 0 * ldc + 1 * LEND);
      c1_0.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 0 * LEND))
          .intoArray(c, cOff + 1 * ldc + 0 * LEND);
      c1_1.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 1 * LEND))
          .intoArray(c, cOff + 1 * ldc + 1 * LEND);
      c2_0.add(DoubleVector.fromArray(SD, c, cOff + 2 * ldc + 0 * LEND))
          .intoArray(c, cOff + 2 * ldc + 0 * LEND);
      c2_1.add(DoubleVector.fromArray(SD, c, cOff + 2 * ldc + 1 * LEND))
          .intoArray(c, cOff + 2 * ldc + 1 * LEND);
      c3_0.add(DoubleVector.fromArray(SD, c, cOff + 3 * ldc + 0 * LEND))
          .intoArray(c, cOff + 3 * ldc + 0 * LEND);
      c3_1.add(DoubleVector.fromArray(SD, c, cOff + 3 * ldc + 1 * LEND))
          .intoArray(c, cOff + 3 * ldc + 1 * LEND);
      c4_0.add(DoubleVector.fromArray(SD, c, cOff + 4 * ldc + 0 * LEND))
          .intoArray(c, cOff + 4 * ldc + 0 * LEND);
      c4_1.add(DoubleVector.fromArray(SD, c, cOff + 4 * ldc + 1 * LEND))
          .intoArray(c, cOff + 4 * ldc + 1 * LEND);
      c5_0.add(DoubleVector.fromArray(SD, c, cOff + 5 * ldc + 0 * LEND))
          .intoArray(c, cOff + 5 * ldc + 0 * LEND);
      c5_1.add(DoubleVector.fromArray(SD, c, cOff + 5 * ldc + 1 * LEND))
          .intoArray(c, cOff + 5 * ldc + 1 * LEND);
      c6_0.add(DoubleVector.fromArray(SD, c, cOff + 6 * ldc + 0 * LEND))
          .intoArray(c, cOff + 6 * ldc + 0 * LEND);
      c6_1.add(DoubleVector.fromArray(SD, c, cOff + 6 * ldc + 1 * LEND))
          .intoArray(c, cOff + 6 * ldc + 1 * LEND);
      c7_0.add(DoubleVector.fromArray(SD, c, cOff + 7 * ldc + 0 * LEND))
          .intoArray(c, cOff + 7 * ldc + 0 * LEND);
      c7_1.add(DoubleVector.fromArray(SD, c, cOff + 7 * ldc + 1 * LEND))
          .intoArray(c, cOff + 7 * ldc + 1 * LEND);
    } else {
      c0_0.intoArray(c, cOff + 0 * ldc + 0 * LEND);
      c0_1.intoArray(c, cOff + 0 * ldc + 1 * LEND);
      c1_0.intoArray(c, cOff + 1 * ldc + 0 * LEND);
      c1_1.intoArray(c, cOff + 1 * ldc + 1 * LEND);
      c2_0.intoArray(c, cOff + 2 * ldc + 0 * LEND);
      c2_1.intoArray(c, cOff + 2 * ldc + 1 * LEND);
      c3_0.intoArray(c, cOff + 3 * ldc + 0 * LEND);
      c3_1.intoArray(c, cOff + 3 * ldc + 1 * LEND);
      c4_0.intoArray(c, cOff + 4 * ldc + 0 * LEND);
      c4_1.intoArray(c, cOff + 4 * ldc + 1 * LEND);
      c5_0.intoArray(c, cOff + 5 * ldc + 0 * LEND);
      c5_1.intoArray(c, cOff + 5 * ldc + 1 * LEND);
      c6_0.intoArray(c, cOff + 6 * ldc + 0 * LEND);
      c6_1.intoArray(c, cOff + 6 * ldc + 1 * LEND);
      c7_0.intoArray(c, cOff + 7 * ldc + 0 * LEND);
      c7_1.intoArray(c, cOff + 7 * ldc + 1 * LEND);
    }
    sinkD = touched;
  }

  /**
   * {@link #gemmTile} for at most MR / 2 rows and all columns: rows from {@code rows} on untouched.
   */
  private void gemmTileHalf(
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
      int rows) {
    FloatVector c0_0;
    FloatVector c0_1;
    FloatVector c1_0;
    FloatVector c1_1;
    FloatVector c2_0;
    FloatVector c2_1;
    FloatVector c3_0;
    FloatVector c3_1;
    boolean start = bias != null && !accumulate;
    c0_0 = FloatVector.broadcast(SF, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = FloatVector.broadcast(SF, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = FloatVector.broadcast(SF, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = FloatVector.broadcast(SF, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    int ai = aOff;
    int bi = bOff;
    for (int k = 0; k < kc; k++) {
      FloatVector b0 = FloatVector.fromArray(SF, b, bi + 0 * LEN);
      FloatVector b1 = FloatVector.fromArray(SF, b, bi + 1 * LEN);
      FloatVector a0 = FloatVector.broadcast(SF, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      FloatVector a1 = FloatVector.broadcast(SF, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      FloatVector a2 = FloatVector.broadcast(SF, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      FloatVector a3 = FloatVector.broadcast(SF, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      ai += MR;
      bi += NR;
    }
    (accumulate ? c0_0.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 0 * LEN)) : c0_0)
        .intoArray(c, cOff + 0 * ldc + 0 * LEN);
    (accumulate ? c0_1.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 1 * LEN)) : c0_1)
        .intoArray(c, cOff + 0 * ldc + 1 * LEN);
    if (rows > 1) {
      (accumulate ? c1_0.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 0 * LEN)) : c1_0)
          .intoArray(c, cOff + 1 * ldc + 0 * LEN);
      (accumulate ? c1_1.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 1 * LEN)) : c1_1)
          .intoArray(c, cOff + 1 * ldc + 1 * LEN);
    }
    if (rows > 2) {
      (accumulate ? c2_0.add(FloatVector.fromArray(SF, c, cOff + 2 * ldc + 0 * LEN)) : c2_0)
          .intoArray(c, cOff + 2 * ldc + 0 * LEN);
      (accumulate ? c2_1.add(FloatVector.fromArray(SF, c, cOff + 2 * ldc + 1 * LEN)) : c2_1)
          .intoArray(c, cOff + 2 * ldc + 1 * LEN);
    }
    if (rows > 3) {
      (accumulate ? c3_0.add(FloatVector.fromArray(SF, c, cOff + 3 * ldc + 0 * LEN)) : c3_0)
          .intoArray(c, cOff + 3 * ldc + 0 * LEN);
      (accumulate ? c3_1.add(FloatVector.fromArray(SF, c, cOff + 3 * ldc + 1 * LEN)) : c3_1)
          .intoArray(c, cOff + 3 * ldc + 1 * LEN);
    }
  }

  /**
   * {@link #gemmTileD} for at most MR / 2 rows and all columns: rows from {@code rows} on
   * untouched.
   */
  private void gemmTileHalfD(
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
      int rows) {
    DoubleVector c0_0;
    DoubleVector c0_1;
    DoubleVector c1_0;
    DoubleVector c1_1;
    DoubleVector c2_0;
    DoubleVector c2_1;
    DoubleVector c3_0;
    DoubleVector c3_1;
    boolean start = bias != null && !accumulate;
    c0_0 = DoubleVector.broadcast(SD, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = DoubleVector.broadcast(SD, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = DoubleVector.broadcast(SD, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = DoubleVector.broadcast(SD, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    int ai = aOff;
    int bi = bOff;
    for (int k = 0; k < kc; k++) {
      DoubleVector b0 = DoubleVector.fromArray(SD, b, bi + 0 * LEND);
      DoubleVector b1 = DoubleVector.fromArray(SD, b, bi + 1 * LEND);
      DoubleVector a0 = DoubleVector.broadcast(SD, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      DoubleVector a1 = DoubleVector.broadcast(SD, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      DoubleVector a2 = DoubleVector.broadcast(SD, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      DoubleVector a3 = DoubleVector.broadcast(SD, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      ai += MR;
      bi += NR_D;
    }
    (accumulate ? c0_0.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 0 * LEND)) : c0_0)
        .intoArray(c, cOff + 0 * ldc + 0 * LEND);
    (accumulate ? c0_1.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 1 * LEND)) : c0_1)
        .intoArray(c, cOff + 0 * ldc + 1 * LEND);
    if (rows > 1) {
      (accumulate ? c1_0.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 0 * LEND)) : c1_0)
          .intoArray(c, cOff + 1 * ldc + 0 * LEND);
      (accumulate ? c1_1.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 1 * LEND)) : c1_1)
          .intoArray(c, cOff + 1 * ldc + 1 * LEND);
    }
    if (rows > 2) {
      (accumulate ? c2_0.add(DoubleVector.fromArray(SD, c, cOff + 2 * ldc + 0 * LEND)) : c2_0)
          .intoArray(c, cOff + 2 * ldc + 0 * LEND);
      (accumulate ? c2_1.add(DoubleVector.fromArray(SD, c, cOff + 2 * ldc + 1 * LEND)) : c2_1)
          .intoArray(c, cOff + 2 * ldc + 1 * LEND);
    }
    if (rows > 3) {
      (accumulate ? c3_0.add(DoubleVector.fromArray(SD, c, cOff + 3 * ldc + 0 * LEND)) : c3_0)
          .intoArray(c, cOff + 3 * ldc + 0 * LEND);
      (accumulate ? c3_1.add(DoubleVector.fromArray(SD, c, cOff + 3 * ldc + 1 * LEND)) : c3_1)
          .intoArray(c, cOff + 3 * ldc + 1 * LEND);
    }
  }

  /** {@link #gemmTileShift} for at most MR / 2 rows: rows from {@code rows} on untouched. */
  private void gemmTileShiftHalf(
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
      int ldc) {
    FloatVector c0_0;
    FloatVector c0_1;
    FloatVector c1_0;
    FloatVector c1_1;
    FloatVector c2_0;
    FloatVector c2_1;
    FloatVector c3_0;
    FloatVector c3_1;
    boolean start = bias != null && !accumulate;
    c0_0 = FloatVector.broadcast(SF, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = FloatVector.broadcast(SF, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = FloatVector.broadcast(SF, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = FloatVector.broadcast(SF, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    int ai = aOff;
    for (int k = 0; k < kc; k++) {
      int bi = xBase + offs[offOff + k];
      FloatVector b0 = FloatVector.fromArray(SF, x, bi + 0 * LEN);
      FloatVector b1 = FloatVector.fromArray(SF, x, bi + 1 * LEN);
      FloatVector a0 = FloatVector.broadcast(SF, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      FloatVector a1 = FloatVector.broadcast(SF, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      FloatVector a2 = FloatVector.broadcast(SF, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      FloatVector a3 = FloatVector.broadcast(SF, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      ai += MR;
    }
    (accumulate ? c0_0.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 0 * LEN)) : c0_0)
        .intoArray(c, cOff + 0 * ldc + 0 * LEN);
    (accumulate ? c0_1.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 1 * LEN)) : c0_1)
        .intoArray(c, cOff + 0 * ldc + 1 * LEN);
    if (rows > 1) {
      (accumulate ? c1_0.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 0 * LEN)) : c1_0)
          .intoArray(c, cOff + 1 * ldc + 0 * LEN);
      (accumulate ? c1_1.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 1 * LEN)) : c1_1)
          .intoArray(c, cOff + 1 * ldc + 1 * LEN);
    }
    if (rows > 2) {
      (accumulate ? c2_0.add(FloatVector.fromArray(SF, c, cOff + 2 * ldc + 0 * LEN)) : c2_0)
          .intoArray(c, cOff + 2 * ldc + 0 * LEN);
      (accumulate ? c2_1.add(FloatVector.fromArray(SF, c, cOff + 2 * ldc + 1 * LEN)) : c2_1)
          .intoArray(c, cOff + 2 * ldc + 1 * LEN);
    }
    if (rows > 3) {
      (accumulate ? c3_0.add(FloatVector.fromArray(SF, c, cOff + 3 * ldc + 0 * LEN)) : c3_0)
          .intoArray(c, cOff + 3 * ldc + 0 * LEN);
      (accumulate ? c3_1.add(FloatVector.fromArray(SF, c, cOff + 3 * ldc + 1 * LEN)) : c3_1)
          .intoArray(c, cOff + 3 * ldc + 1 * LEN);
    }
  }

  /** {@link #gemmTileShiftD} for at most MR / 2 rows: rows from {@code rows} on untouched. */
  private void gemmTileShiftHalfD(
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
      int ldc) {
    DoubleVector c0_0;
    DoubleVector c0_1;
    DoubleVector c1_0;
    DoubleVector c1_1;
    DoubleVector c2_0;
    DoubleVector c2_1;
    DoubleVector c3_0;
    DoubleVector c3_1;
    boolean start = bias != null && !accumulate;
    c0_0 = DoubleVector.broadcast(SD, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1 = c0_0;
    c1_0 = DoubleVector.broadcast(SD, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1 = c1_0;
    c2_0 = DoubleVector.broadcast(SD, start && 2 < rows ? bias[biasOff + 2] : 0);
    c2_1 = c2_0;
    c3_0 = DoubleVector.broadcast(SD, start && 3 < rows ? bias[biasOff + 3] : 0);
    c3_1 = c3_0;
    int ai = aOff;
    for (int k = 0; k < kc; k++) {
      int bi = xBase + offs[offOff + k];
      DoubleVector b0 = DoubleVector.fromArray(SD, x, bi + 0 * LEND);
      DoubleVector b1 = DoubleVector.fromArray(SD, x, bi + 1 * LEND);
      DoubleVector a0 = DoubleVector.broadcast(SD, a[ai + 0]);
      c0_0 = a0.fma(b0, c0_0);
      c0_1 = a0.fma(b1, c0_1);
      DoubleVector a1 = DoubleVector.broadcast(SD, a[ai + 1]);
      c1_0 = a1.fma(b0, c1_0);
      c1_1 = a1.fma(b1, c1_1);
      DoubleVector a2 = DoubleVector.broadcast(SD, a[ai + 2]);
      c2_0 = a2.fma(b0, c2_0);
      c2_1 = a2.fma(b1, c2_1);
      DoubleVector a3 = DoubleVector.broadcast(SD, a[ai + 3]);
      c3_0 = a3.fma(b0, c3_0);
      c3_1 = a3.fma(b1, c3_1);
      ai += MR;
    }
    (accumulate ? c0_0.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 0 * LEND)) : c0_0)
        .intoArray(c, cOff + 0 * ldc + 0 * LEND);
    (accumulate ? c0_1.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 1 * LEND)) : c0_1)
        .intoArray(c, cOff + 0 * ldc + 1 * LEND);
    if (rows > 1) {
      (accumulate ? c1_0.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 0 * LEND)) : c1_0)
          .intoArray(c, cOff + 1 * ldc + 0 * LEND);
      (accumulate ? c1_1.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 1 * LEND)) : c1_1)
          .intoArray(c, cOff + 1 * ldc + 1 * LEND);
    }
    if (rows > 2) {
      (accumulate ? c2_0.add(DoubleVector.fromArray(SD, c, cOff + 2 * ldc + 0 * LEND)) : c2_0)
          .intoArray(c, cOff + 2 * ldc + 0 * LEND);
      (accumulate ? c2_1.add(DoubleVector.fromArray(SD, c, cOff + 2 * ldc + 1 * LEND)) : c2_1)
          .intoArray(c, cOff + 2 * ldc + 1 * LEND);
    }
    if (rows > 3) {
      (accumulate ? c3_0.add(DoubleVector.fromArray(SD, c, cOff + 3 * ldc + 0 * LEND)) : c3_0)
          .intoArray(c, cOff + 3 * ldc + 0 * LEND);
      (accumulate ? c3_1.add(DoubleVector.fromArray(SD, c, cOff + 3 * ldc + 1 * LEND)) : c3_1)
          .intoArray(c, cOff + 3 * ldc + 1 * LEND);
    }
  }

  /** {@link #gemmTile} for at most 2 rows and all columns: rows from {@code rows} on untouched. */
  private void gemmTileTwo(
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
      int rows) {
    FloatVector c0_0_0;
    FloatVector c0_1_0;
    FloatVector c1_0_0;
    FloatVector c1_1_0;
    FloatVector c0_0_1;
    FloatVector c0_1_1;
    FloatVector c1_0_1;
    FloatVector c1_1_1;
    boolean start = bias != null && !accumulate;
    c0_0_0 = FloatVector.broadcast(SF, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1_0 = c0_0_0;
    c0_0_1 = FloatVector.zero(SF);
    c0_1_1 = FloatVector.zero(SF);
    c1_0_0 = FloatVector.broadcast(SF, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1_0 = c1_0_0;
    c1_0_1 = FloatVector.zero(SF);
    c1_1_1 = FloatVector.zero(SF);
    int ai = aOff;
    int bi = bOff;
    int k = 0;
    for (; k + 1 < kc; k += 2) {
      FloatVector b0_0 = FloatVector.fromArray(SF, b, bi + 0 * NR + 0 * LEN);
      FloatVector b1_0 = FloatVector.fromArray(SF, b, bi + 0 * NR + 1 * LEN);
      FloatVector a0_0 = FloatVector.broadcast(SF, a[ai + 0 * MR + 0]);
      c0_0_0 = a0_0.fma(b0_0, c0_0_0);
      c0_1_0 = a0_0.fma(b1_0, c0_1_0);
      FloatVector a1_0 = FloatVector.broadcast(SF, a[ai + 0 * MR + 1]);
      c1_0_0 = a1_0.fma(b0_0, c1_0_0);
      c1_1_0 = a1_0.fma(b1_0, c1_1_0);
      FloatVector b0_1 = FloatVector.fromArray(SF, b, bi + 1 * NR + 0 * LEN);
      FloatVector b1_1 = FloatVector.fromArray(SF, b, bi + 1 * NR + 1 * LEN);
      FloatVector a0_1 = FloatVector.broadcast(SF, a[ai + 1 * MR + 0]);
      c0_0_1 = a0_1.fma(b0_1, c0_0_1);
      c0_1_1 = a0_1.fma(b1_1, c0_1_1);
      FloatVector a1_1 = FloatVector.broadcast(SF, a[ai + 1 * MR + 1]);
      c1_0_1 = a1_1.fma(b0_1, c1_0_1);
      c1_1_1 = a1_1.fma(b1_1, c1_1_1);
      ai += 2 * MR;
      bi += 2 * NR;
    }
    if (k < kc) {
      FloatVector b0_0 = FloatVector.fromArray(SF, b, bi + 0 * NR + 0 * LEN);
      FloatVector b1_0 = FloatVector.fromArray(SF, b, bi + 0 * NR + 1 * LEN);
      FloatVector a0_0 = FloatVector.broadcast(SF, a[ai + 0 * MR + 0]);
      c0_0_0 = a0_0.fma(b0_0, c0_0_0);
      c0_1_0 = a0_0.fma(b1_0, c0_1_0);
      FloatVector a1_0 = FloatVector.broadcast(SF, a[ai + 0 * MR + 1]);
      c1_0_0 = a1_0.fma(b0_0, c1_0_0);
      c1_1_0 = a1_0.fma(b1_0, c1_1_0);
    }
    FloatVector c0_0 = c0_0_0.add(c0_0_1);
    FloatVector c0_1 = c0_1_0.add(c0_1_1);
    FloatVector c1_0 = c1_0_0.add(c1_0_1);
    FloatVector c1_1 = c1_1_0.add(c1_1_1);
    (accumulate ? c0_0.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 0 * LEN)) : c0_0)
        .intoArray(c, cOff + 0 * ldc + 0 * LEN);
    (accumulate ? c0_1.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 1 * LEN)) : c0_1)
        .intoArray(c, cOff + 0 * ldc + 1 * LEN);
    if (rows > 1) {
      (accumulate ? c1_0.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 0 * LEN)) : c1_0)
          .intoArray(c, cOff + 1 * ldc + 0 * LEN);
      (accumulate ? c1_1.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 1 * LEN)) : c1_1)
          .intoArray(c, cOff + 1 * ldc + 1 * LEN);
    }
  }

  /** {@link #gemmTileD} for at most 2 rows and all columns: rows from {@code rows} on untouched. */
  private void gemmTileTwoD(
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
      int rows) {
    DoubleVector c0_0_0;
    DoubleVector c0_1_0;
    DoubleVector c1_0_0;
    DoubleVector c1_1_0;
    DoubleVector c0_0_1;
    DoubleVector c0_1_1;
    DoubleVector c1_0_1;
    DoubleVector c1_1_1;
    boolean start = bias != null && !accumulate;
    c0_0_0 = DoubleVector.broadcast(SD, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1_0 = c0_0_0;
    c0_0_1 = DoubleVector.zero(SD);
    c0_1_1 = DoubleVector.zero(SD);
    c1_0_0 = DoubleVector.broadcast(SD, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1_0 = c1_0_0;
    c1_0_1 = DoubleVector.zero(SD);
    c1_1_1 = DoubleVector.zero(SD);
    int ai = aOff;
    int bi = bOff;
    int k = 0;
    for (; k + 1 < kc; k += 2) {
      DoubleVector b0_0 = DoubleVector.fromArray(SD, b, bi + 0 * NR_D + 0 * LEND);
      DoubleVector b1_0 = DoubleVector.fromArray(SD, b, bi + 0 * NR_D + 1 * LEND);
      DoubleVector a0_0 = DoubleVector.broadcast(SD, a[ai + 0 * MR + 0]);
      c0_0_0 = a0_0.fma(b0_0, c0_0_0);
      c0_1_0 = a0_0.fma(b1_0, c0_1_0);
      DoubleVector a1_0 = DoubleVector.broadcast(SD, a[ai + 0 * MR + 1]);
      c1_0_0 = a1_0.fma(b0_0, c1_0_0);
      c1_1_0 = a1_0.fma(b1_0, c1_1_0);
      DoubleVector b0_1 = DoubleVector.fromArray(SD, b, bi + 1 * NR_D + 0 * LEND);
      DoubleVector b1_1 = DoubleVector.fromArray(SD, b, bi + 1 * NR_D + 1 * LEND);
      DoubleVector a0_1 = DoubleVector.broadcast(SD, a[ai + 1 * MR + 0]);
      c0_0_1 = a0_1.fma(b0_1, c0_0_1);
      c0_1_1 = a0_1.fma(b1_1, c0_1_1);
      DoubleVector a1_1 = DoubleVector.broadcast(SD, a[ai + 1 * MR + 1]);
      c1_0_1 = a1_1.fma(b0_1, c1_0_1);
      c1_1_1 = a1_1.fma(b1_1, c1_1_1);
      ai += 2 * MR;
      bi += 2 * NR_D;
    }
    if (k < kc) {
      DoubleVector b0_0 = DoubleVector.fromArray(SD, b, bi + 0 * NR_D + 0 * LEND);
      DoubleVector b1_0 = DoubleVector.fromArray(SD, b, bi + 0 * NR_D + 1 * LEND);
      DoubleVector a0_0 = DoubleVector.broadcast(SD, a[ai + 0 * MR + 0]);
      c0_0_0 = a0_0.fma(b0_0, c0_0_0);
      c0_1_0 = a0_0.fma(b1_0, c0_1_0);
      DoubleVector a1_0 = DoubleVector.broadcast(SD, a[ai + 0 * MR + 1]);
      c1_0_0 = a1_0.fma(b0_0, c1_0_0);
      c1_1_0 = a1_0.fma(b1_0, c1_1_0);
    }
    DoubleVector c0_0 = c0_0_0.add(c0_0_1);
    DoubleVector c0_1 = c0_1_0.add(c0_1_1);
    DoubleVector c1_0 = c1_0_0.add(c1_0_1);
    DoubleVector c1_1 = c1_1_0.add(c1_1_1);
    (accumulate ? c0_0.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 0 * LEND)) : c0_0)
        .intoArray(c, cOff + 0 * ldc + 0 * LEND);
    (accumulate ? c0_1.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 1 * LEND)) : c0_1)
        .intoArray(c, cOff + 0 * ldc + 1 * LEND);
    if (rows > 1) {
      (accumulate ? c1_0.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 0 * LEND)) : c1_0)
          .intoArray(c, cOff + 1 * ldc + 0 * LEND);
      (accumulate ? c1_1.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 1 * LEND)) : c1_1)
          .intoArray(c, cOff + 1 * ldc + 1 * LEND);
    }
  }

  /** {@link #gemmTileShift} for at most 2 rows: rows from {@code rows} on untouched. */
  private void gemmTileShiftTwo(
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
      int ldc) {
    FloatVector c0_0_0;
    FloatVector c0_1_0;
    FloatVector c1_0_0;
    FloatVector c1_1_0;
    FloatVector c0_0_1;
    FloatVector c0_1_1;
    FloatVector c1_0_1;
    FloatVector c1_1_1;
    boolean start = bias != null && !accumulate;
    c0_0_0 = FloatVector.broadcast(SF, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1_0 = c0_0_0;
    c0_0_1 = FloatVector.zero(SF);
    c0_1_1 = FloatVector.zero(SF);
    c1_0_0 = FloatVector.broadcast(SF, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1_0 = c1_0_0;
    c1_0_1 = FloatVector.zero(SF);
    c1_1_1 = FloatVector.zero(SF);
    int ai = aOff;
    int k = 0;
    for (; k + 1 < kc; k += 2) {
      int bi0 = xBase + offs[offOff + k + 0];
      FloatVector b0_0 = FloatVector.fromArray(SF, x, bi0 + 0 * LEN);
      FloatVector b1_0 = FloatVector.fromArray(SF, x, bi0 + 1 * LEN);
      FloatVector a0_0 = FloatVector.broadcast(SF, a[ai + 0 * MR + 0]);
      c0_0_0 = a0_0.fma(b0_0, c0_0_0);
      c0_1_0 = a0_0.fma(b1_0, c0_1_0);
      FloatVector a1_0 = FloatVector.broadcast(SF, a[ai + 0 * MR + 1]);
      c1_0_0 = a1_0.fma(b0_0, c1_0_0);
      c1_1_0 = a1_0.fma(b1_0, c1_1_0);
      int bi1 = xBase + offs[offOff + k + 1];
      FloatVector b0_1 = FloatVector.fromArray(SF, x, bi1 + 0 * LEN);
      FloatVector b1_1 = FloatVector.fromArray(SF, x, bi1 + 1 * LEN);
      FloatVector a0_1 = FloatVector.broadcast(SF, a[ai + 1 * MR + 0]);
      c0_0_1 = a0_1.fma(b0_1, c0_0_1);
      c0_1_1 = a0_1.fma(b1_1, c0_1_1);
      FloatVector a1_1 = FloatVector.broadcast(SF, a[ai + 1 * MR + 1]);
      c1_0_1 = a1_1.fma(b0_1, c1_0_1);
      c1_1_1 = a1_1.fma(b1_1, c1_1_1);
      ai += 2 * MR;
    }
    if (k < kc) {
      int bi0 = xBase + offs[offOff + k + 0];
      FloatVector b0_0 = FloatVector.fromArray(SF, x, bi0 + 0 * LEN);
      FloatVector b1_0 = FloatVector.fromArray(SF, x, bi0 + 1 * LEN);
      FloatVector a0_0 = FloatVector.broadcast(SF, a[ai + 0 * MR + 0]);
      c0_0_0 = a0_0.fma(b0_0, c0_0_0);
      c0_1_0 = a0_0.fma(b1_0, c0_1_0);
      FloatVector a1_0 = FloatVector.broadcast(SF, a[ai + 0 * MR + 1]);
      c1_0_0 = a1_0.fma(b0_0, c1_0_0);
      c1_1_0 = a1_0.fma(b1_0, c1_1_0);
    }
    FloatVector c0_0 = c0_0_0.add(c0_0_1);
    FloatVector c0_1 = c0_1_0.add(c0_1_1);
    FloatVector c1_0 = c1_0_0.add(c1_0_1);
    FloatVector c1_1 = c1_1_0.add(c1_1_1);
    (accumulate ? c0_0.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 0 * LEN)) : c0_0)
        .intoArray(c, cOff + 0 * ldc + 0 * LEN);
    (accumulate ? c0_1.add(FloatVector.fromArray(SF, c, cOff + 0 * ldc + 1 * LEN)) : c0_1)
        .intoArray(c, cOff + 0 * ldc + 1 * LEN);
    if (rows > 1) {
      (accumulate ? c1_0.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 0 * LEN)) : c1_0)
          .intoArray(c, cOff + 1 * ldc + 0 * LEN);
      (accumulate ? c1_1.add(FloatVector.fromArray(SF, c, cOff + 1 * ldc + 1 * LEN)) : c1_1)
          .intoArray(c, cOff + 1 * ldc + 1 * LEN);
    }
  }

  /** {@link #gemmTileShiftD} for at most 2 rows: rows from {@code rows} on untouched. */
  private void gemmTileShiftTwoD(
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
      int ldc) {
    DoubleVector c0_0_0;
    DoubleVector c0_1_0;
    DoubleVector c1_0_0;
    DoubleVector c1_1_0;
    DoubleVector c0_0_1;
    DoubleVector c0_1_1;
    DoubleVector c1_0_1;
    DoubleVector c1_1_1;
    boolean start = bias != null && !accumulate;
    c0_0_0 = DoubleVector.broadcast(SD, start && 0 < rows ? bias[biasOff + 0] : 0);
    c0_1_0 = c0_0_0;
    c0_0_1 = DoubleVector.zero(SD);
    c0_1_1 = DoubleVector.zero(SD);
    c1_0_0 = DoubleVector.broadcast(SD, start && 1 < rows ? bias[biasOff + 1] : 0);
    c1_1_0 = c1_0_0;
    c1_0_1 = DoubleVector.zero(SD);
    c1_1_1 = DoubleVector.zero(SD);
    int ai = aOff;
    int k = 0;
    for (; k + 1 < kc; k += 2) {
      int bi0 = xBase + offs[offOff + k + 0];
      DoubleVector b0_0 = DoubleVector.fromArray(SD, x, bi0 + 0 * LEND);
      DoubleVector b1_0 = DoubleVector.fromArray(SD, x, bi0 + 1 * LEND);
      DoubleVector a0_0 = DoubleVector.broadcast(SD, a[ai + 0 * MR + 0]);
      c0_0_0 = a0_0.fma(b0_0, c0_0_0);
      c0_1_0 = a0_0.fma(b1_0, c0_1_0);
      DoubleVector a1_0 = DoubleVector.broadcast(SD, a[ai + 0 * MR + 1]);
      c1_0_0 = a1_0.fma(b0_0, c1_0_0);
      c1_1_0 = a1_0.fma(b1_0, c1_1_0);
      int bi1 = xBase + offs[offOff + k + 1];
      DoubleVector b0_1 = DoubleVector.fromArray(SD, x, bi1 + 0 * LEND);
      DoubleVector b1_1 = DoubleVector.fromArray(SD, x, bi1 + 1 * LEND);
      DoubleVector a0_1 = DoubleVector.broadcast(SD, a[ai + 1 * MR + 0]);
      c0_0_1 = a0_1.fma(b0_1, c0_0_1);
      c0_1_1 = a0_1.fma(b1_1, c0_1_1);
      DoubleVector a1_1 = DoubleVector.broadcast(SD, a[ai + 1 * MR + 1]);
      c1_0_1 = a1_1.fma(b0_1, c1_0_1);
      c1_1_1 = a1_1.fma(b1_1, c1_1_1);
      ai += 2 * MR;
    }
    if (k < kc) {
      int bi0 = xBase + offs[offOff + k + 0];
      DoubleVector b0_0 = DoubleVector.fromArray(SD, x, bi0 + 0 * LEND);
      DoubleVector b1_0 = DoubleVector.fromArray(SD, x, bi0 + 1 * LEND);
      DoubleVector a0_0 = DoubleVector.broadcast(SD, a[ai + 0 * MR + 0]);
      c0_0_0 = a0_0.fma(b0_0, c0_0_0);
      c0_1_0 = a0_0.fma(b1_0, c0_1_0);
      DoubleVector a1_0 = DoubleVector.broadcast(SD, a[ai + 0 * MR + 1]);
      c1_0_0 = a1_0.fma(b0_0, c1_0_0);
      c1_1_0 = a1_0.fma(b1_0, c1_1_0);
    }
    DoubleVector c0_0 = c0_0_0.add(c0_0_1);
    DoubleVector c0_1 = c0_1_0.add(c0_1_1);
    DoubleVector c1_0 = c1_0_0.add(c1_0_1);
    DoubleVector c1_1 = c1_1_0.add(c1_1_1);
    (accumulate ? c0_0.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 0 * LEND)) : c0_0)
        .intoArray(c, cOff + 0 * ldc + 0 * LEND);
    (accumulate ? c0_1.add(DoubleVector.fromArray(SD, c, cOff + 0 * ldc + 1 * LEND)) : c0_1)
        .intoArray(c, cOff + 0 * ldc + 1 * LEND);
    if (rows > 1) {
      (accumulate ? c1_0.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 0 * LEND)) : c1_0)
          .intoArray(c, cOff + 1 * ldc + 0 * LEND);
      (accumulate ? c1_1.add(DoubleVector.fromArray(SD, c, cOff + 1 * ldc + 1 * LEND)) : c1_1)
          .intoArray(c, cOff + 1 * ldc + 1 * LEND);
    }
  }

  // GENERATED-END

  @Override
  public void groupRows(
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
      int count) {
    if (rows < 4 || count < LEN) {
      SCALAR.groupRows(
          x, xOff, xStep, taps, w, wOff, bias, bOff, nOut, y, yOff, ldy, yStep, rows, count);
      return;
    }
    int nt = taps.length;
    float b0 = bias == null ? 0f : bias[bOff];
    float b1 = bias == null || nOut < 2 ? 0f : bias[bOff + 1];
    float b2 = bias == null || nOut < 3 ? 0f : bias[bOff + 2];
    float b3 = bias == null || nOut < 4 ? 0f : bias[bOff + 3];
    // Four rows × four output channels of one vector: each input vector feeds four FMAs, each
    // weight broadcast four. The last row block and the last vector are moved back to end exactly
    // at rows and count (the overlap is recomputed to the same values).
    for (int r = 0; ; ) {
      for (int j = 0; ; ) {
        FloatVector a0 = FloatVector.broadcast(SF, b0);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector c0 = FloatVector.broadcast(SF, b1);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector d0 = FloatVector.broadcast(SF, b2);
        FloatVector d1 = d0;
        FloatVector d2 = d0;
        FloatVector d3 = d0;
        FloatVector e0 = FloatVector.broadcast(SF, b3);
        FloatVector e1 = e0;
        FloatVector e2 = e0;
        FloatVector e3 = e0;
        // One loop over every channel's taps: accumulators carried through nested loops are
        // boxed by Java 17's C2 (measured: 3 GFLOP/s).
        int xc = xOff + r * xStep + j;
        for (int k = 0, wi = wOff; k < nt; k++, wi += GROUP_OUT) {
          int xi = xc + taps[k];
          FloatVector x0 = FloatVector.fromArray(SF, x, xi);
          FloatVector x1 = FloatVector.fromArray(SF, x, xi + xStep);
          FloatVector x2 = FloatVector.fromArray(SF, x, xi + 2 * xStep);
          FloatVector x3 = FloatVector.fromArray(SF, x, xi + 3 * xStep);
          FloatVector w0 = FloatVector.broadcast(SF, w[wi]);
          a0 = w0.fma(x0, a0);
          a1 = w0.fma(x1, a1);
          a2 = w0.fma(x2, a2);
          a3 = w0.fma(x3, a3);
          FloatVector w1 = FloatVector.broadcast(SF, w[wi + 1]);
          c0 = w1.fma(x0, c0);
          c1 = w1.fma(x1, c1);
          c2 = w1.fma(x2, c2);
          c3 = w1.fma(x3, c3);
          FloatVector w2 = FloatVector.broadcast(SF, w[wi + 2]);
          d0 = w2.fma(x0, d0);
          d1 = w2.fma(x1, d1);
          d2 = w2.fma(x2, d2);
          d3 = w2.fma(x3, d3);
          FloatVector w3 = FloatVector.broadcast(SF, w[wi + 3]);
          e0 = w3.fma(x0, e0);
          e1 = w3.fma(x1, e1);
          e2 = w3.fma(x2, e2);
          e3 = w3.fma(x3, e3);
        }
        int yb = yOff + r * yStep + j;
        a0.intoArray(y, yb);
        a1.intoArray(y, yb + yStep);
        a2.intoArray(y, yb + 2 * yStep);
        a3.intoArray(y, yb + 3 * yStep);
        if (nOut > 1) {
          yb += ldy;
          c0.intoArray(y, yb);
          c1.intoArray(y, yb + yStep);
          c2.intoArray(y, yb + 2 * yStep);
          c3.intoArray(y, yb + 3 * yStep);
        }
        if (nOut > 2) {
          yb += ldy;
          d0.intoArray(y, yb);
          d1.intoArray(y, yb + yStep);
          d2.intoArray(y, yb + 2 * yStep);
          d3.intoArray(y, yb + 3 * yStep);
        }
        if (nOut > 3) {
          yb += ldy;
          e0.intoArray(y, yb);
          e1.intoArray(y, yb + yStep);
          e2.intoArray(y, yb + 2 * yStep);
          e3.intoArray(y, yb + 3 * yStep);
        }
        if (j + LEN >= count) {
          break;
        }
        j = Math.min(j + LEN, count - LEN);
      }
      if (r + 4 >= rows) {
        break;
      }
      r = Math.min(r + 4, rows - 4);
    }
  }

  @Override
  public void depthwiseRows(
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
      int count) {
    int r = 0;
    if (count >= 2 * LEN
        && taps.length == 9
        && taps[1] == 1
        && taps[3] == xStep
        && taps[8] == 2 * xStep + 2) {
      for (; r + 4 <= rows; r += 4) {
        depthwise3x3Rows4(
            x, xOff + r * xStep, xStep, w, wOff, bias, y, yOff + r * yStep, yStep, count);
      }
    }
    if (count >= 2 * LEN) {
      // Four rows × two vectors: eight independent FMA chains cover the FMA latency (one row's
      // two chains alone leave the FMA unit idle most of the time).
      for (; r + 4 <= rows; r += 4) {
        int xr = xOff + r * xStep;
        int yr = yOff + r * yStep;
        for (int j = 0; ; ) {
          FloatVector a0 = FloatVector.broadcast(SF, bias);
          FloatVector a1 = a0;
          FloatVector b0 = a0;
          FloatVector b1 = a0;
          FloatVector c0 = a0;
          FloatVector c1 = a0;
          FloatVector d0 = a0;
          FloatVector d1 = a0;
          int xb = xr + j;
          for (int t = 0; t < taps.length; t++) {
            FloatVector wv = FloatVector.broadcast(SF, w[wOff + t]);
            int xi = xb + taps[t];
            a0 = wv.fma(FloatVector.fromArray(SF, x, xi), a0);
            a1 = wv.fma(FloatVector.fromArray(SF, x, xi + LEN), a1);
            b0 = wv.fma(FloatVector.fromArray(SF, x, xi + xStep), b0);
            b1 = wv.fma(FloatVector.fromArray(SF, x, xi + xStep + LEN), b1);
            c0 = wv.fma(FloatVector.fromArray(SF, x, xi + 2 * xStep), c0);
            c1 = wv.fma(FloatVector.fromArray(SF, x, xi + 2 * xStep + LEN), c1);
            d0 = wv.fma(FloatVector.fromArray(SF, x, xi + 3 * xStep), d0);
            d1 = wv.fma(FloatVector.fromArray(SF, x, xi + 3 * xStep + LEN), d1);
          }
          int yb = yr + j;
          a0.intoArray(y, yb);
          a1.intoArray(y, yb + LEN);
          b0.intoArray(y, yb + yStep);
          b1.intoArray(y, yb + yStep + LEN);
          c0.intoArray(y, yb + 2 * yStep);
          c1.intoArray(y, yb + 2 * yStep + LEN);
          d0.intoArray(y, yb + 3 * yStep);
          d1.intoArray(y, yb + 3 * yStep + LEN);
          // The last step is moved back to end exactly at count: the overlap is recomputed to
          // the same values, cheaper than masked loads, which Java 17 does not always intrinsify.
          if (j + 2 * LEN >= count) {
            break;
          }
          j = Math.min(j + 2 * LEN, count - 2 * LEN);
        }
      }
    }
    for (; r < rows; r++) {
      depthwiseRow(x, xOff + r * xStep, taps, w, wOff, bias, y, yOff + r * yStep, count);
    }
  }

  private static void depthwiseRow(
      float[] x,
      int xOff,
      int[] taps,
      float[] w,
      int wOff,
      float bias,
      float[] y,
      int yOff,
      int count) {
    int nt = taps.length;
    if (count >= 2 * LEN) {
      for (int j = 0; ; ) {
        FloatVector acc0 = FloatVector.broadcast(SF, bias);
        FloatVector acc1 = acc0;
        int xb = xOff + j;
        for (int t = 0; t < nt; t++) {
          FloatVector wv = FloatVector.broadcast(SF, w[wOff + t]);
          int xi = xb + taps[t];
          acc0 = wv.fma(FloatVector.fromArray(SF, x, xi), acc0);
          acc1 = wv.fma(FloatVector.fromArray(SF, x, xi + LEN), acc1);
        }
        acc0.intoArray(y, yOff + j);
        acc1.intoArray(y, yOff + j + LEN);
        if (j + 2 * LEN >= count) {
          break;
        }
        j = Math.min(j + 2 * LEN, count - 2 * LEN);
      }
    } else if (count >= LEN) {
      for (int j = 0; ; ) {
        FloatVector acc = FloatVector.broadcast(SF, bias);
        int xb = xOff + j;
        for (int t = 0; t < nt; t++) {
          acc =
              FloatVector.broadcast(SF, w[wOff + t])
                  .fma(FloatVector.fromArray(SF, x, xb + taps[t]), acc);
        }
        acc.intoArray(y, yOff + j);
        if (j + LEN >= count) {
          break;
        }
        j = count - LEN;
      }
    } else {
      for (int j = 0; j < count; j++) {
        float acc = bias;
        for (int t = 0; t < nt; t++) {
          acc += w[wOff + t] * x[xOff + taps[t] + j];
        }
        y[yOff + j] = acc;
      }
    }
  }

  /**
   * Depthwise 3×3, stride 1, dilation 1: four output rows × two vectors per step, the nine weights
   * held in registers, and each input vector loaded once for the (up to) three output rows that use
   * it: 36 loads per 72 FMAs instead of 72 (the generic path is load-bound).
   */
  private static void depthwise3x3Rows4(
      float[] x,
      int xOff,
      int ldx,
      float[] w,
      int wOff,
      float bias,
      float[] y,
      int yOff,
      int ldy,
      int count) {
    FloatVector w0 = FloatVector.broadcast(SF, w[wOff + 0]);
    FloatVector w1 = FloatVector.broadcast(SF, w[wOff + 1]);
    FloatVector w2 = FloatVector.broadcast(SF, w[wOff + 2]);
    FloatVector w3 = FloatVector.broadcast(SF, w[wOff + 3]);
    FloatVector w4 = FloatVector.broadcast(SF, w[wOff + 4]);
    FloatVector w5 = FloatVector.broadcast(SF, w[wOff + 5]);
    FloatVector w6 = FloatVector.broadcast(SF, w[wOff + 6]);
    FloatVector w7 = FloatVector.broadcast(SF, w[wOff + 7]);
    FloatVector w8 = FloatVector.broadcast(SF, w[wOff + 8]);
    FloatVector init = FloatVector.broadcast(SF, bias);
    for (int j = 0; ; ) {
      FloatVector a00 = init;
      FloatVector a01 = init;
      FloatVector a10 = init;
      FloatVector a11 = init;
      FloatVector a20 = init;
      FloatVector a21 = init;
      FloatVector a30 = init;
      FloatVector a31 = init;
      int xb = xOff + j;
      FloatVector x0_00 = FloatVector.fromArray(SF, x, xb + 0 * ldx + 0 + 0 * LEN);
      FloatVector x1_00 = FloatVector.fromArray(SF, x, xb + 0 * ldx + 0 + 1 * LEN);
      a00 = w0.fma(x0_00, a00);
      a01 = w0.fma(x1_00, a01);
      FloatVector x0_01 = FloatVector.fromArray(SF, x, xb + 0 * ldx + 1 + 0 * LEN);
      FloatVector x1_01 = FloatVector.fromArray(SF, x, xb + 0 * ldx + 1 + 1 * LEN);
      a00 = w1.fma(x0_01, a00);
      a01 = w1.fma(x1_01, a01);
      FloatVector x0_02 = FloatVector.fromArray(SF, x, xb + 0 * ldx + 2 + 0 * LEN);
      FloatVector x1_02 = FloatVector.fromArray(SF, x, xb + 0 * ldx + 2 + 1 * LEN);
      a00 = w2.fma(x0_02, a00);
      a01 = w2.fma(x1_02, a01);
      FloatVector x0_10 = FloatVector.fromArray(SF, x, xb + 1 * ldx + 0 + 0 * LEN);
      FloatVector x1_10 = FloatVector.fromArray(SF, x, xb + 1 * ldx + 0 + 1 * LEN);
      a00 = w3.fma(x0_10, a00);
      a01 = w3.fma(x1_10, a01);
      a10 = w0.fma(x0_10, a10);
      a11 = w0.fma(x1_10, a11);
      FloatVector x0_11 = FloatVector.fromArray(SF, x, xb + 1 * ldx + 1 + 0 * LEN);
      FloatVector x1_11 = FloatVector.fromArray(SF, x, xb + 1 * ldx + 1 + 1 * LEN);
      a00 = w4.fma(x0_11, a00);
      a01 = w4.fma(x1_11, a01);
      a10 = w1.fma(x0_11, a10);
      a11 = w1.fma(x1_11, a11);
      FloatVector x0_12 = FloatVector.fromArray(SF, x, xb + 1 * ldx + 2 + 0 * LEN);
      FloatVector x1_12 = FloatVector.fromArray(SF, x, xb + 1 * ldx + 2 + 1 * LEN);
      a00 = w5.fma(x0_12, a00);
      a01 = w5.fma(x1_12, a01);
      a10 = w2.fma(x0_12, a10);
      a11 = w2.fma(x1_12, a11);
      FloatVector x0_20 = FloatVector.fromArray(SF, x, xb + 2 * ldx + 0 + 0 * LEN);
      FloatVector x1_20 = FloatVector.fromArray(SF, x, xb + 2 * ldx + 0 + 1 * LEN);
      a00 = w6.fma(x0_20, a00);
      a01 = w6.fma(x1_20, a01);
      a10 = w3.fma(x0_20, a10);
      a11 = w3.fma(x1_20, a11);
      a20 = w0.fma(x0_20, a20);
      a21 = w0.fma(x1_20, a21);
      FloatVector x0_21 = FloatVector.fromArray(SF, x, xb + 2 * ldx + 1 + 0 * LEN);
      FloatVector x1_21 = FloatVector.fromArray(SF, x, xb + 2 * ldx + 1 + 1 * LEN);
      a00 = w7.fma(x0_21, a00);
      a01 = w7.fma(x1_21, a01);
      a10 = w4.fma(x0_21, a10);
      a11 = w4.fma(x1_21, a11);
      a20 = w1.fma(x0_21, a20);
      a21 = w1.fma(x1_21, a21);
      FloatVector x0_22 = FloatVector.fromArray(SF, x, xb + 2 * ldx + 2 + 0 * LEN);
      FloatVector x1_22 = FloatVector.fromArray(SF, x, xb + 2 * ldx + 2 + 1 * LEN);
      a00 = w8.fma(x0_22, a00);
      a01 = w8.fma(x1_22, a01);
      a10 = w5.fma(x0_22, a10);
      a11 = w5.fma(x1_22, a11);
      a20 = w2.fma(x0_22, a20);
      a21 = w2.fma(x1_22, a21);
      FloatVector x0_30 = FloatVector.fromArray(SF, x, xb + 3 * ldx + 0 + 0 * LEN);
      FloatVector x1_30 = FloatVector.fromArray(SF, x, xb + 3 * ldx + 0 + 1 * LEN);
      a10 = w6.fma(x0_30, a10);
      a11 = w6.fma(x1_30, a11);
      a20 = w3.fma(x0_30, a20);
      a21 = w3.fma(x1_30, a21);
      a30 = w0.fma(x0_30, a30);
      a31 = w0.fma(x1_30, a31);
      FloatVector x0_31 = FloatVector.fromArray(SF, x, xb + 3 * ldx + 1 + 0 * LEN);
      FloatVector x1_31 = FloatVector.fromArray(SF, x, xb + 3 * ldx + 1 + 1 * LEN);
      a10 = w7.fma(x0_31, a10);
      a11 = w7.fma(x1_31, a11);
      a20 = w4.fma(x0_31, a20);
      a21 = w4.fma(x1_31, a21);
      a30 = w1.fma(x0_31, a30);
      a31 = w1.fma(x1_31, a31);
      FloatVector x0_32 = FloatVector.fromArray(SF, x, xb + 3 * ldx + 2 + 0 * LEN);
      FloatVector x1_32 = FloatVector.fromArray(SF, x, xb + 3 * ldx + 2 + 1 * LEN);
      a10 = w8.fma(x0_32, a10);
      a11 = w8.fma(x1_32, a11);
      a20 = w5.fma(x0_32, a20);
      a21 = w5.fma(x1_32, a21);
      a30 = w2.fma(x0_32, a30);
      a31 = w2.fma(x1_32, a31);
      FloatVector x0_40 = FloatVector.fromArray(SF, x, xb + 4 * ldx + 0 + 0 * LEN);
      FloatVector x1_40 = FloatVector.fromArray(SF, x, xb + 4 * ldx + 0 + 1 * LEN);
      a20 = w6.fma(x0_40, a20);
      a21 = w6.fma(x1_40, a21);
      a30 = w3.fma(x0_40, a30);
      a31 = w3.fma(x1_40, a31);
      FloatVector x0_41 = FloatVector.fromArray(SF, x, xb + 4 * ldx + 1 + 0 * LEN);
      FloatVector x1_41 = FloatVector.fromArray(SF, x, xb + 4 * ldx + 1 + 1 * LEN);
      a20 = w7.fma(x0_41, a20);
      a21 = w7.fma(x1_41, a21);
      a30 = w4.fma(x0_41, a30);
      a31 = w4.fma(x1_41, a31);
      FloatVector x0_42 = FloatVector.fromArray(SF, x, xb + 4 * ldx + 2 + 0 * LEN);
      FloatVector x1_42 = FloatVector.fromArray(SF, x, xb + 4 * ldx + 2 + 1 * LEN);
      a20 = w8.fma(x0_42, a20);
      a21 = w8.fma(x1_42, a21);
      a30 = w5.fma(x0_42, a30);
      a31 = w5.fma(x1_42, a31);
      FloatVector x0_50 = FloatVector.fromArray(SF, x, xb + 5 * ldx + 0 + 0 * LEN);
      FloatVector x1_50 = FloatVector.fromArray(SF, x, xb + 5 * ldx + 0 + 1 * LEN);
      a30 = w6.fma(x0_50, a30);
      a31 = w6.fma(x1_50, a31);
      FloatVector x0_51 = FloatVector.fromArray(SF, x, xb + 5 * ldx + 1 + 0 * LEN);
      FloatVector x1_51 = FloatVector.fromArray(SF, x, xb + 5 * ldx + 1 + 1 * LEN);
      a30 = w7.fma(x0_51, a30);
      a31 = w7.fma(x1_51, a31);
      FloatVector x0_52 = FloatVector.fromArray(SF, x, xb + 5 * ldx + 2 + 0 * LEN);
      FloatVector x1_52 = FloatVector.fromArray(SF, x, xb + 5 * ldx + 2 + 1 * LEN);
      a30 = w8.fma(x0_52, a30);
      a31 = w8.fma(x1_52, a31);
      int yb = yOff + j;
      a00.intoArray(y, yb + 0 * ldy + 0 * LEN);
      a01.intoArray(y, yb + 0 * ldy + 1 * LEN);
      a10.intoArray(y, yb + 1 * ldy + 0 * LEN);
      a11.intoArray(y, yb + 1 * ldy + 1 * LEN);
      a20.intoArray(y, yb + 2 * ldy + 0 * LEN);
      a21.intoArray(y, yb + 2 * ldy + 1 * LEN);
      a30.intoArray(y, yb + 3 * ldy + 0 * LEN);
      a31.intoArray(y, yb + 3 * ldy + 1 * LEN);
      if (j + 2 * LEN >= count) {
        break;
      }
      j = Math.min(j + 2 * LEN, count - 2 * LEN);
    }
  }

  @Override
  public void winogradInput(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    for (int h = 0; h < NR; h += LEN) {
      int b = base + h;
      FloatVector d0 = FloatVector.fromArray(SF, s, b + off[0]);
      FloatVector d1 = FloatVector.fromArray(SF, s, b + off[1]);
      FloatVector d2 = FloatVector.fromArray(SF, s, b + off[2]);
      FloatVector d3 = FloatVector.fromArray(SF, s, b + off[3]);
      FloatVector d4 = FloatVector.fromArray(SF, s, b + off[4]);
      FloatVector d5 = FloatVector.fromArray(SF, s, b + off[5]);
      FloatVector d6 = FloatVector.fromArray(SF, s, b + off[6]);
      FloatVector d7 = FloatVector.fromArray(SF, s, b + off[7]);
      FloatVector d8 = FloatVector.fromArray(SF, s, b + off[8]);
      FloatVector d9 = FloatVector.fromArray(SF, s, b + off[9]);
      FloatVector d10 = FloatVector.fromArray(SF, s, b + off[10]);
      FloatVector d11 = FloatVector.fromArray(SF, s, b + off[11]);
      FloatVector d12 = FloatVector.fromArray(SF, s, b + off[12]);
      FloatVector d13 = FloatVector.fromArray(SF, s, b + off[13]);
      FloatVector d14 = FloatVector.fromArray(SF, s, b + off[14]);
      FloatVector d15 = FloatVector.fromArray(SF, s, b + off[15]);
      FloatVector t00 = d0.sub(d8);
      FloatVector t10 = d4.add(d8);
      FloatVector t20 = d8.sub(d4);
      FloatVector t30 = d4.sub(d12);
      FloatVector t01 = d1.sub(d9);
      FloatVector t11 = d5.add(d9);
      FloatVector t21 = d9.sub(d5);
      FloatVector t31 = d5.sub(d13);
      FloatVector t02 = d2.sub(d10);
      FloatVector t12 = d6.add(d10);
      FloatVector t22 = d10.sub(d6);
      FloatVector t32 = d6.sub(d14);
      FloatVector t03 = d3.sub(d11);
      FloatVector t13 = d7.add(d11);
      FloatVector t23 = d11.sub(d7);
      FloatVector t33 = d7.sub(d15);
      int o = vOff + h;
      t00.sub(t02).intoArray(v, o + 0 * vStride);
      t01.add(t02).intoArray(v, o + 1 * vStride);
      t02.sub(t01).intoArray(v, o + 2 * vStride);
      t01.sub(t03).intoArray(v, o + 3 * vStride);
      t10.sub(t12).intoArray(v, o + 4 * vStride);
      t11.add(t12).intoArray(v, o + 5 * vStride);
      t12.sub(t11).intoArray(v, o + 6 * vStride);
      t11.sub(t13).intoArray(v, o + 7 * vStride);
      t20.sub(t22).intoArray(v, o + 8 * vStride);
      t21.add(t22).intoArray(v, o + 9 * vStride);
      t22.sub(t21).intoArray(v, o + 10 * vStride);
      t21.sub(t23).intoArray(v, o + 11 * vStride);
      t30.sub(t32).intoArray(v, o + 12 * vStride);
      t31.add(t32).intoArray(v, o + 13 * vStride);
      t32.sub(t31).intoArray(v, o + 14 * vStride);
      t31.sub(t33).intoArray(v, o + 15 * vStride);
    }
  }

  @Override
  public void winogradOutput(
      float[] m, int mOff, int mStride, float bias, float[] out, int outOff) {
    FloatVector bv = FloatVector.broadcast(SF, bias);
    for (int h = 0; h < NR; h += LEN) {
      int b = mOff + h;
      FloatVector q0 = FloatVector.fromArray(SF, m, b + 0 * mStride);
      FloatVector q1 = FloatVector.fromArray(SF, m, b + 1 * mStride);
      FloatVector q2 = FloatVector.fromArray(SF, m, b + 2 * mStride);
      FloatVector q3 = FloatVector.fromArray(SF, m, b + 3 * mStride);
      FloatVector q4 = FloatVector.fromArray(SF, m, b + 4 * mStride);
      FloatVector q5 = FloatVector.fromArray(SF, m, b + 5 * mStride);
      FloatVector q6 = FloatVector.fromArray(SF, m, b + 6 * mStride);
      FloatVector q7 = FloatVector.fromArray(SF, m, b + 7 * mStride);
      FloatVector q8 = FloatVector.fromArray(SF, m, b + 8 * mStride);
      FloatVector q9 = FloatVector.fromArray(SF, m, b + 9 * mStride);
      FloatVector q10 = FloatVector.fromArray(SF, m, b + 10 * mStride);
      FloatVector q11 = FloatVector.fromArray(SF, m, b + 11 * mStride);
      FloatVector q12 = FloatVector.fromArray(SF, m, b + 12 * mStride);
      FloatVector q13 = FloatVector.fromArray(SF, m, b + 13 * mStride);
      FloatVector q14 = FloatVector.fromArray(SF, m, b + 14 * mStride);
      FloatVector q15 = FloatVector.fromArray(SF, m, b + 15 * mStride);
      FloatVector s00 = q0.add(q4).add(q8);
      FloatVector s10 = q4.sub(q8).sub(q12);
      FloatVector s01 = q1.add(q5).add(q9);
      FloatVector s11 = q5.sub(q9).sub(q13);
      FloatVector s02 = q2.add(q6).add(q10);
      FloatVector s12 = q6.sub(q10).sub(q14);
      FloatVector s03 = q3.add(q7).add(q11);
      FloatVector s13 = q7.sub(q11).sub(q15);
      int o = outOff + h;
      bv.add(s00).add(s01).add(s02).intoArray(out, o + 0 * NR);
      bv.add(s01).sub(s02).sub(s03).intoArray(out, o + 1 * NR);
      bv.add(s10).add(s11).add(s12).intoArray(out, o + 2 * NR);
      bv.add(s11).sub(s12).sub(s13).intoArray(out, o + 3 * NR);
    }
  }

  // F(4×4, 3×3) transforms in small passes: one 6-point transform per call, so that C1 and C2
  // both compile them (36 vectors in one method ran C1 out of virtual registers).
  @Override
  public void winograd43Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    for (int h = 0; h < NR; h += LEN) {
      int b = base + h;
      int o = vOff + h;
      // Columns (Bᵀ d) into v, then each row of v (· B) in place.
      for (int c = 0; c < 6; c++) {
        bt6(
            s,
            b + off[c],
            b + off[6 + c],
            b + off[12 + c],
            b + off[18 + c],
            b + off[24 + c],
            b + off[30 + c],
            v,
            o + c * vStride,
            6 * vStride);
      }
      for (int i = 0; i < 6; i++) {
        int r = o + 6 * i * vStride;
        bt6(
            v,
            r,
            r + vStride,
            r + 2 * vStride,
            r + 3 * vStride,
            r + 4 * vStride,
            r + 5 * vStride,
            v,
            r,
            vStride);
      }
    }
  }

  /** {@code t[o + i·step] = (Bᵀ d)[i]}, d = the vectors at i0..i5 of s (t may alias them). */
  private static void bt6(
      float[] s, int i0, int i1, int i2, int i3, int i4, int i5, float[] t, int o, int step) {
    FloatVector d0 = FloatVector.fromArray(SF, s, i0);
    FloatVector d1 = FloatVector.fromArray(SF, s, i1);
    FloatVector d2 = FloatVector.fromArray(SF, s, i2);
    FloatVector d3 = FloatVector.fromArray(SF, s, i3);
    FloatVector d4 = FloatVector.fromArray(SF, s, i4);
    FloatVector d5 = FloatVector.fromArray(SF, s, i5);
    FloatVector ta = d2.fma(MINUS_FOUR, d4);
    FloatVector tb = d1.fma(MINUS_FOUR, d3);
    FloatVector tc = d4.sub(d2);
    FloatVector te = d3.sub(d1).mul(TWO);
    d0.fma(FOUR, d2.fma(MINUS_FIVE, d4)).intoArray(t, o);
    ta.add(tb).intoArray(t, o + step);
    ta.sub(tb).intoArray(t, o + 2 * step);
    tc.add(te).intoArray(t, o + 3 * step);
    tc.sub(te).intoArray(t, o + 4 * step);
    d1.fma(FOUR, d3.fma(MINUS_FIVE, d5)).intoArray(t, o + 5 * step);
  }

  private static final FloatVector FOUR = FloatVector.broadcast(SF, 4f);
  private static final FloatVector MINUS_FOUR = FloatVector.broadcast(SF, -4f);
  private static final FloatVector MINUS_FIVE = FloatVector.broadcast(SF, -5f);
  private static final FloatVector TWO = FloatVector.broadcast(SF, 2f);
  private static final FloatVector EIGHT = FloatVector.broadcast(SF, 8f);

  @Override
  public void winograd43Output(
      float[] m, int mOff, int mStride, float bias, float[] out, int outOff) {
    for (int h = 0; h < NR; h += LEN) {
      // Rows (M A) into their first four entries, then columns (Aᵀ ·) plus the bias.
      for (int i = 0; i < 6; i++) {
        at6(
            m,
            mOff + h + 6 * i * mStride,
            mStride,
            false,
            0f,
            m,
            mOff + h + 6 * i * mStride,
            mStride);
      }
      for (int k = 0; k < 4; k++) {
        at6(m, mOff + h + k * mStride, 6 * mStride, true, bias, out, outOff + h + k * NR, 4 * NR);
      }
    }
  }

  /**
   * {@code t[o + a·step] = (Aᵀ w)[a] (+ bias)} for a < 4, w = the vectors {@code s[i + k·stride]},
   * k < 6 (t may alias them).
   */
  private static void at6(
      float[] s, int i, int stride, boolean addBias, float bias, float[] t, int o, int step) {
    FloatVector m0 = FloatVector.fromArray(SF, s, i);
    FloatVector m1 = FloatVector.fromArray(SF, s, i + stride);
    FloatVector m2 = FloatVector.fromArray(SF, s, i + 2 * stride);
    FloatVector m3 = FloatVector.fromArray(SF, s, i + 3 * stride);
    FloatVector m4 = FloatVector.fromArray(SF, s, i + 4 * stride);
    FloatVector m5 = FloatVector.fromArray(SF, s, i + 5 * stride);
    FloatVector pp = m1.add(m2);
    FloatVector qq = m1.sub(m2);
    FloatVector rr = m3.add(m4);
    FloatVector ss = m3.sub(m4);
    FloatVector y0 = m0.add(pp).add(rr);
    FloatVector y1 = ss.fma(TWO, qq);
    FloatVector y2 = rr.fma(FOUR, pp);
    FloatVector y3 = ss.fma(EIGHT, qq).add(m5);
    if (addBias) {
      FloatVector bv = FloatVector.broadcast(SF, bias);
      y0 = y0.add(bv);
      y1 = y1.add(bv);
      y2 = y2.add(bv);
      y3 = y3.add(bv);
    }
    y0.intoArray(t, o);
    y1.intoArray(t, o + step);
    y2.intoArray(t, o + 2 * step);
    y3.intoArray(t, o + 3 * step);
  }

  // F(4×4, 2×2) transforms, one 5-point transform per call (as for F(4×4, 3×3)).
  @Override
  public void winograd42Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    for (int h = 0; h < NR; h += LEN) {
      int b = base + h;
      int o = vOff + h;
      // Columns (Bᵀ d) into v, then each row of v (· B) in place.
      for (int c = 0; c < 5; c++) {
        bt5(
            s,
            b + off[c],
            b + off[5 + c],
            b + off[10 + c],
            b + off[15 + c],
            b + off[20 + c],
            v,
            o + c * vStride,
            5 * vStride);
      }
      for (int i = 0; i < 5; i++) {
        int r = o + 5 * i * vStride;
        bt5(v, r, r + vStride, r + 2 * vStride, r + 3 * vStride, r + 4 * vStride, v, r, vStride);
      }
    }
  }

  /** {@code t[o + i·step] = (Bᵀ d)[i]}, d = the vectors at i0..i4 of s (t may alias them). */
  private static void bt5(
      float[] s, int i0, int i1, int i2, int i3, int i4, float[] t, int o, int step) {
    FloatVector d0 = FloatVector.fromArray(SF, s, i0);
    FloatVector d1 = FloatVector.fromArray(SF, s, i1);
    FloatVector d2 = FloatVector.fromArray(SF, s, i2);
    FloatVector d3 = FloatVector.fromArray(SF, s, i3);
    FloatVector d4 = FloatVector.fromArray(SF, s, i4);
    FloatVector e = d3.sub(d1);
    d0.sub(d2).fma(TWO, e).intoArray(t, o);
    d1.fma(MINUS_TWO, d3.sub(d2)).intoArray(t, o + step);
    d1.fma(TWO, d2.fma(MINUS_THREE, d3)).intoArray(t, o + 2 * step);
    e.intoArray(t, o + 3 * step);
    d1.sub(d3).fma(TWO, d4.sub(d2)).intoArray(t, o + 4 * step);
  }

  private static final FloatVector MINUS_TWO = FloatVector.broadcast(SF, -2f);
  private static final FloatVector MINUS_THREE = FloatVector.broadcast(SF, -3f);

  @Override
  public void winograd42Output(
      float[] m, int mOff, int mStride, float bias, float[] out, int outOff) {
    for (int h = 0; h < NR; h += LEN) {
      // Rows (M A) into their first four entries, then columns (Aᵀ ·) plus the bias.
      for (int i = 0; i < 5; i++) {
        int r = mOff + h + 5 * i * mStride;
        at5(m, r, mStride, false, 0f, m, r, mStride);
      }
      for (int k = 0; k < 4; k++) {
        at5(m, mOff + h + k * mStride, 5 * mStride, true, bias, out, outOff + h + k * NR, 4 * NR);
      }
    }
  }

  /**
   * {@code t[o + a·step] = (Aᵀ w)[a] (+ bias)} for a < 4, w = the vectors {@code s[i + k·stride]},
   * k < 5 (t may alias them).
   */
  private static void at5(
      float[] s, int i, int stride, boolean addBias, float bias, float[] t, int o, int step) {
    FloatVector m0 = FloatVector.fromArray(SF, s, i);
    FloatVector m1 = FloatVector.fromArray(SF, s, i + stride);
    FloatVector m2 = FloatVector.fromArray(SF, s, i + 2 * stride);
    FloatVector m3 = FloatVector.fromArray(SF, s, i + 3 * stride);
    FloatVector m4 = FloatVector.fromArray(SF, s, i + 4 * stride);
    FloatVector pp = m1.add(m2);
    FloatVector qq = m1.sub(m2);
    FloatVector y0 = m0.add(pp).add(m3);
    FloatVector y1 = m3.fma(TWO, qq);
    FloatVector y2 = m3.fma(FOUR, pp);
    FloatVector y3 = m3.fma(EIGHT, qq).add(m4);
    if (addBias) {
      FloatVector bv = FloatVector.broadcast(SF, bias);
      y0 = y0.add(bv);
      y1 = y1.add(bv);
      y2 = y2.add(bv);
      y3 = y3.add(bv);
    }
    y0.intoArray(t, o);
    y1.intoArray(t, o + step);
    y2.intoArray(t, o + 2 * step);
    y3.intoArray(t, o + 3 * step);
  }

  @Override
  public void winograd22Input(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    for (int h = 0; h < NR; h += LEN) {
      int b = base + h;
      FloatVector d0 = FloatVector.fromArray(SF, s, b + off[0]);
      FloatVector d1 = FloatVector.fromArray(SF, s, b + off[1]);
      FloatVector d2 = FloatVector.fromArray(SF, s, b + off[2]);
      FloatVector d3 = FloatVector.fromArray(SF, s, b + off[3]);
      FloatVector d4 = FloatVector.fromArray(SF, s, b + off[4]);
      FloatVector d5 = FloatVector.fromArray(SF, s, b + off[5]);
      FloatVector d6 = FloatVector.fromArray(SF, s, b + off[6]);
      FloatVector d7 = FloatVector.fromArray(SF, s, b + off[7]);
      FloatVector d8 = FloatVector.fromArray(SF, s, b + off[8]);
      FloatVector t00 = d0.sub(d3);
      FloatVector t10 = d3;
      FloatVector t20 = d6.sub(d3);
      FloatVector t01 = d1.sub(d4);
      FloatVector t11 = d4;
      FloatVector t21 = d7.sub(d4);
      FloatVector t02 = d2.sub(d5);
      FloatVector t12 = d5;
      FloatVector t22 = d8.sub(d5);
      int o = vOff + h;
      t00.sub(t01).intoArray(v, o + 0 * vStride);
      t01.intoArray(v, o + 1 * vStride);
      t02.sub(t01).intoArray(v, o + 2 * vStride);
      t10.sub(t11).intoArray(v, o + 3 * vStride);
      t11.intoArray(v, o + 4 * vStride);
      t12.sub(t11).intoArray(v, o + 5 * vStride);
      t20.sub(t21).intoArray(v, o + 6 * vStride);
      t21.intoArray(v, o + 7 * vStride);
      t22.sub(t21).intoArray(v, o + 8 * vStride);
    }
  }

  @Override
  public void winograd22Output(
      float[] m, int mOff, int mStride, float bias, float[] out, int outOff) {
    FloatVector bv = FloatVector.broadcast(SF, bias);
    for (int h = 0; h < NR; h += LEN) {
      int b = mOff + h;
      FloatVector q0 = FloatVector.fromArray(SF, m, b + 0 * mStride);
      FloatVector q1 = FloatVector.fromArray(SF, m, b + 1 * mStride);
      FloatVector q2 = FloatVector.fromArray(SF, m, b + 2 * mStride);
      FloatVector q3 = FloatVector.fromArray(SF, m, b + 3 * mStride);
      FloatVector q4 = FloatVector.fromArray(SF, m, b + 4 * mStride);
      FloatVector q5 = FloatVector.fromArray(SF, m, b + 5 * mStride);
      FloatVector q6 = FloatVector.fromArray(SF, m, b + 6 * mStride);
      FloatVector q7 = FloatVector.fromArray(SF, m, b + 7 * mStride);
      FloatVector q8 = FloatVector.fromArray(SF, m, b + 8 * mStride);
      FloatVector s00 = q0.add(q3);
      FloatVector s10 = q3.add(q6);
      FloatVector s01 = q1.add(q4);
      FloatVector s11 = q4.add(q7);
      FloatVector s02 = q2.add(q5);
      FloatVector s12 = q5.add(q8);
      int o = outOff + h;
      bv.add(s00).add(s01).intoArray(out, o + 0 * NR);
      bv.add(s01).add(s02).intoArray(out, o + 1 * NR);
      bv.add(s10).add(s11).intoArray(out, o + 2 * NR);
      bv.add(s11).add(s12).intoArray(out, o + 3 * NR);
    }
  }

  @Override
  public void deinterleave2(float[] r, int src, float[] s, int d0, int d1, int count) {
    if (count < LEN) {
      CpuKernels.super.deinterleave2(r, src, s, d0, d1, count);
      return;
    }
    // The last step moves back to end exactly at count (the overlap is rewritten, same values).
    for (int j = 0; ; ) {
      FloatVector v0 = FloatVector.fromArray(SF, r, src + 2 * j);
      FloatVector v1 = FloatVector.fromArray(SF, r, src + 2 * j + LEN);
      v0.rearrange(EVENS).blend(v1.rearrange(EVENS), HIGH_HALF).intoArray(s, d0 + j);
      v0.rearrange(ODDS).blend(v1.rearrange(ODDS), HIGH_HALF).intoArray(s, d1 + j);
      if (j + LEN >= count) {
        return;
      }
      j = Math.min(j + LEN, count - LEN);
    }
  }

  @Override
  public void gatherPanel(float[] s, int o, int[] idx, float[] m, int d) {
    for (int v = 0; v < NR / LEN; v++) {
      FloatVector.fromArray(SF, s, o, idx, v * LEN).intoArray(m, d + v * LEN);
    }
  }

  @Override
  public void scatterPanels(float[] x, int src, float[] b, int d, int step, int count) {
    for (int i = 0; i < count; i++) {
      for (int v = 0; v < NR / LEN; v++) {
        FloatVector.fromArray(SF, x, src + i * NR + v * LEN).intoArray(b, d + i * step + v * LEN);
      }
    }
  }

  /**
   * Lane j of a gather with stride u: {@code j·u}, for strides up to {@link #MAX_GATHER_STRIDE}.
   */
  private static final int MAX_GATHER_STRIDE = 32;

  private static final int[][] STRIDED = strided();

  private static int[][] strided() {
    int[][] m = new int[MAX_GATHER_STRIDE + 1][LEN];
    for (int u = 0; u <= MAX_GATHER_STRIDE; u++) {
      for (int j = 0; j < LEN; j++) {
        m[u][j] = j * u;
      }
    }
    return m;
  }

  @Override
  public void stridedCopy(float[] r, int src, int u, float[] s, int d, int count) {
    if (count < LEN || u < 1 || u > MAX_GATHER_STRIDE) {
      CpuKernels.super.stridedCopy(r, src, u, s, d, count);
      return;
    }
    // The last step moves back to end exactly at count (the overlap is rewritten, same values).
    int[] map = STRIDED[u];
    for (int j = 0; ; ) {
      FloatVector.fromArray(SF, r, src + u * j, map, 0).intoArray(s, d + j);
      if (j + LEN >= count) {
        return;
      }
      j = Math.min(j + LEN, count - LEN);
    }
  }

  private static void weave4(
      FloatVector x0,
      FloatVector x1,
      FloatVector x2,
      FloatVector x3,
      VectorShuffle<Float> sh,
      float[] y,
      int d) {
    x0.rearrange(sh)
        .blend(x1.rearrange(sh), LANE_MOD4_1)
        .blend(x2.rearrange(sh), LANE_MOD4_2)
        .blend(x3.rearrange(sh), LANE_MOD4_3)
        .intoArray(y, d);
  }

  @Override
  public void interleave4(float[] c, int a, int stride, float[] y, int d, int count) {
    int i = 0;
    for (; i + LEN <= count; i += LEN) {
      FloatVector x0 = FloatVector.fromArray(SF, c, a + i);
      FloatVector x1 = FloatVector.fromArray(SF, c, a + stride + i);
      FloatVector x2 = FloatVector.fromArray(SF, c, a + 2 * stride + i);
      FloatVector x3 = FloatVector.fromArray(SF, c, a + 3 * stride + i);
      weave4(x0, x1, x2, x3, SPREAD4_0, y, d + 4 * i);
      weave4(x0, x1, x2, x3, SPREAD4_1, y, d + 4 * i + LEN);
      weave4(x0, x1, x2, x3, SPREAD4_2, y, d + 4 * i + 2 * LEN);
      weave4(x0, x1, x2, x3, SPREAD4_3, y, d + 4 * i + 3 * LEN);
    }
    for (; i < count; i++) {
      y[d + 4 * i] = c[a + i];
      y[d + 4 * i + 1] = c[a + stride + i];
      y[d + 4 * i + 2] = c[a + 2 * stride + i];
      y[d + 4 * i + 3] = c[a + 3 * stride + i];
    }
  }

  @Override
  public void deinterleave4(float[] r, int src, float[] s, int d, int step, int count) {
    if (count < LEN) {
      CpuKernels.super.deinterleave4(r, src, s, d, step, count);
      return;
    }
    // The last step moves back to end exactly at count (the overlap is rewritten, same values).
    for (int j = 0; ; ) {
      int o = src + 4 * j;
      FloatVector v0 = FloatVector.fromArray(SF, r, o);
      FloatVector v1 = FloatVector.fromArray(SF, r, o + LEN);
      FloatVector v2 = FloatVector.fromArray(SF, r, o + 2 * LEN);
      FloatVector v3 = FloatVector.fromArray(SF, r, o + 3 * LEN);
      unweave4(v0, v1, v2, v3, PICK4_0, s, d + j);
      unweave4(v0, v1, v2, v3, PICK4_1, s, d + step + j);
      unweave4(v0, v1, v2, v3, PICK4_2, s, d + 2 * step + j);
      unweave4(v0, v1, v2, v3, PICK4_3, s, d + 3 * step + j);
      if (j + LEN >= count) {
        return;
      }
      j = Math.min(j + LEN, count - LEN);
    }
  }

  /** Lane j of the result: lane {@code 4(j mod LEN/4) + b} of vector {@code j / (LEN/4)}. */
  private static void unweave4(
      FloatVector v0,
      FloatVector v1,
      FloatVector v2,
      FloatVector v3,
      VectorShuffle<Float> pick,
      float[] s,
      int d) {
    v0.rearrange(pick)
        .blend(v1.rearrange(pick), QUARTER_1)
        .blend(v2.rearrange(pick), QUARTER_2)
        .blend(v3.rearrange(pick), QUARTER_3)
        .intoArray(s, d);
  }

  @Override
  public void interleave2(float[] c, int a, int b, float[] y, int d, int count) {
    int i = 0;
    for (; i + LEN <= count; i += LEN) {
      FloatVector va = FloatVector.fromArray(SF, c, a + i);
      FloatVector vb = FloatVector.fromArray(SF, c, b + i);
      va.rearrange(SPREAD_LO).blend(vb.rearrange(SPREAD_LO), ODD_LANES).intoArray(y, d + 2 * i);
      va.rearrange(SPREAD_HI)
          .blend(vb.rearrange(SPREAD_HI), ODD_LANES)
          .intoArray(y, d + 2 * i + LEN);
    }
    for (; i < count; i++) {
      y[d + 2 * i] = c[a + i];
      y[d + 2 * i + 1] = c[b + i];
    }
  }
}
