package io.sparkconv.kernels.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
    float[] out = c;
    int o = cOff;
    int ld = ldc;
    boolean full = rows == MR && cols == NR;
    if (!full) {
      // Partial tile: run the full register tile into the edge buffer, copy the valid part.
      out = edge;
      o = 0;
      ld = NR;
      for (int r = 0; r < rows; r++) {
        System.arraycopy(c, cOff + r * ldc, edge, r * NR, cols);
      }
    }
    FloatVector c00;
    FloatVector c01;
    FloatVector c10;
    FloatVector c11;
    FloatVector c20;
    FloatVector c21;
    FloatVector c30;
    FloatVector c31;
    FloatVector c40;
    FloatVector c41;
    FloatVector c50;
    FloatVector c51;
    FloatVector c60;
    FloatVector c61;
    FloatVector c70;
    FloatVector c71;
    if (accumulate) {
      c00 = FloatVector.fromArray(SF, out, o + 0 * ld);
      c01 = FloatVector.fromArray(SF, out, o + 0 * ld + LEN);
      c10 = FloatVector.fromArray(SF, out, o + 1 * ld);
      c11 = FloatVector.fromArray(SF, out, o + 1 * ld + LEN);
      c20 = FloatVector.fromArray(SF, out, o + 2 * ld);
      c21 = FloatVector.fromArray(SF, out, o + 2 * ld + LEN);
      c30 = FloatVector.fromArray(SF, out, o + 3 * ld);
      c31 = FloatVector.fromArray(SF, out, o + 3 * ld + LEN);
      c40 = FloatVector.fromArray(SF, out, o + 4 * ld);
      c41 = FloatVector.fromArray(SF, out, o + 4 * ld + LEN);
      c50 = FloatVector.fromArray(SF, out, o + 5 * ld);
      c51 = FloatVector.fromArray(SF, out, o + 5 * ld + LEN);
      c60 = FloatVector.fromArray(SF, out, o + 6 * ld);
      c61 = FloatVector.fromArray(SF, out, o + 6 * ld + LEN);
      c70 = FloatVector.fromArray(SF, out, o + 7 * ld);
      c71 = FloatVector.fromArray(SF, out, o + 7 * ld + LEN);
    } else {
      c00 = FloatVector.broadcast(SF, bias != null && 0 < rows ? bias[biasOff + 0] : 0);
      c01 = c00;
      c10 = FloatVector.broadcast(SF, bias != null && 1 < rows ? bias[biasOff + 1] : 0);
      c11 = c10;
      c20 = FloatVector.broadcast(SF, bias != null && 2 < rows ? bias[biasOff + 2] : 0);
      c21 = c20;
      c30 = FloatVector.broadcast(SF, bias != null && 3 < rows ? bias[biasOff + 3] : 0);
      c31 = c30;
      c40 = FloatVector.broadcast(SF, bias != null && 4 < rows ? bias[biasOff + 4] : 0);
      c41 = c40;
      c50 = FloatVector.broadcast(SF, bias != null && 5 < rows ? bias[biasOff + 5] : 0);
      c51 = c50;
      c60 = FloatVector.broadcast(SF, bias != null && 6 < rows ? bias[biasOff + 6] : 0);
      c61 = c60;
      c70 = FloatVector.broadcast(SF, bias != null && 7 < rows ? bias[biasOff + 7] : 0);
      c71 = c70;
    }
    int ai = aOff;
    int bi = bOff;
    for (int k = 0; k < kc; k++) {
      FloatVector b0 = FloatVector.fromArray(SF, b, bi);
      FloatVector b1 = FloatVector.fromArray(SF, b, bi + LEN);
      FloatVector a0 = FloatVector.broadcast(SF, a[ai + 0]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(SF, a[ai + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(SF, a[ai + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(SF, a[ai + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(SF, a[ai + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(SF, a[ai + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(SF, a[ai + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(SF, a[ai + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
      ai += MR;
      bi += NR;
    }
    c00.intoArray(out, o + 0 * ld);
    c01.intoArray(out, o + 0 * ld + LEN);
    c10.intoArray(out, o + 1 * ld);
    c11.intoArray(out, o + 1 * ld + LEN);
    c20.intoArray(out, o + 2 * ld);
    c21.intoArray(out, o + 2 * ld + LEN);
    c30.intoArray(out, o + 3 * ld);
    c31.intoArray(out, o + 3 * ld + LEN);
    c40.intoArray(out, o + 4 * ld);
    c41.intoArray(out, o + 4 * ld + LEN);
    c50.intoArray(out, o + 5 * ld);
    c51.intoArray(out, o + 5 * ld + LEN);
    c60.intoArray(out, o + 6 * ld);
    c61.intoArray(out, o + 6 * ld + LEN);
    c70.intoArray(out, o + 7 * ld);
    c71.intoArray(out, o + 7 * ld + LEN);
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
    double[] out = c;
    int o = cOff;
    int ld = ldc;
    boolean full = rows == MR && cols == NR_D;
    if (!full) {
      // Partial tile: run the full register tile into the edge buffer, copy the valid part.
      out = edge;
      o = 0;
      ld = NR_D;
      for (int r = 0; r < rows; r++) {
        System.arraycopy(c, cOff + r * ldc, edge, r * NR_D, cols);
      }
    }
    DoubleVector c00;
    DoubleVector c01;
    DoubleVector c10;
    DoubleVector c11;
    DoubleVector c20;
    DoubleVector c21;
    DoubleVector c30;
    DoubleVector c31;
    DoubleVector c40;
    DoubleVector c41;
    DoubleVector c50;
    DoubleVector c51;
    DoubleVector c60;
    DoubleVector c61;
    DoubleVector c70;
    DoubleVector c71;
    if (accumulate) {
      c00 = DoubleVector.fromArray(SD, out, o + 0 * ld);
      c01 = DoubleVector.fromArray(SD, out, o + 0 * ld + LEND);
      c10 = DoubleVector.fromArray(SD, out, o + 1 * ld);
      c11 = DoubleVector.fromArray(SD, out, o + 1 * ld + LEND);
      c20 = DoubleVector.fromArray(SD, out, o + 2 * ld);
      c21 = DoubleVector.fromArray(SD, out, o + 2 * ld + LEND);
      c30 = DoubleVector.fromArray(SD, out, o + 3 * ld);
      c31 = DoubleVector.fromArray(SD, out, o + 3 * ld + LEND);
      c40 = DoubleVector.fromArray(SD, out, o + 4 * ld);
      c41 = DoubleVector.fromArray(SD, out, o + 4 * ld + LEND);
      c50 = DoubleVector.fromArray(SD, out, o + 5 * ld);
      c51 = DoubleVector.fromArray(SD, out, o + 5 * ld + LEND);
      c60 = DoubleVector.fromArray(SD, out, o + 6 * ld);
      c61 = DoubleVector.fromArray(SD, out, o + 6 * ld + LEND);
      c70 = DoubleVector.fromArray(SD, out, o + 7 * ld);
      c71 = DoubleVector.fromArray(SD, out, o + 7 * ld + LEND);
    } else {
      c00 = DoubleVector.broadcast(SD, bias != null && 0 < rows ? bias[biasOff + 0] : 0);
      c01 = c00;
      c10 = DoubleVector.broadcast(SD, bias != null && 1 < rows ? bias[biasOff + 1] : 0);
      c11 = c10;
      c20 = DoubleVector.broadcast(SD, bias != null && 2 < rows ? bias[biasOff + 2] : 0);
      c21 = c20;
      c30 = DoubleVector.broadcast(SD, bias != null && 3 < rows ? bias[biasOff + 3] : 0);
      c31 = c30;
      c40 = DoubleVector.broadcast(SD, bias != null && 4 < rows ? bias[biasOff + 4] : 0);
      c41 = c40;
      c50 = DoubleVector.broadcast(SD, bias != null && 5 < rows ? bias[biasOff + 5] : 0);
      c51 = c50;
      c60 = DoubleVector.broadcast(SD, bias != null && 6 < rows ? bias[biasOff + 6] : 0);
      c61 = c60;
      c70 = DoubleVector.broadcast(SD, bias != null && 7 < rows ? bias[biasOff + 7] : 0);
      c71 = c70;
    }
    int ai = aOff;
    int bi = bOff;
    for (int k = 0; k < kc; k++) {
      DoubleVector b0 = DoubleVector.fromArray(SD, b, bi);
      DoubleVector b1 = DoubleVector.fromArray(SD, b, bi + LEND);
      DoubleVector a0 = DoubleVector.broadcast(SD, a[ai + 0]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      DoubleVector a1 = DoubleVector.broadcast(SD, a[ai + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      DoubleVector a2 = DoubleVector.broadcast(SD, a[ai + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      DoubleVector a3 = DoubleVector.broadcast(SD, a[ai + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      DoubleVector a4 = DoubleVector.broadcast(SD, a[ai + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      DoubleVector a5 = DoubleVector.broadcast(SD, a[ai + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      DoubleVector a6 = DoubleVector.broadcast(SD, a[ai + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      DoubleVector a7 = DoubleVector.broadcast(SD, a[ai + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
      ai += MR;
      bi += NR_D;
    }
    c00.intoArray(out, o + 0 * ld);
    c01.intoArray(out, o + 0 * ld + LEND);
    c10.intoArray(out, o + 1 * ld);
    c11.intoArray(out, o + 1 * ld + LEND);
    c20.intoArray(out, o + 2 * ld);
    c21.intoArray(out, o + 2 * ld + LEND);
    c30.intoArray(out, o + 3 * ld);
    c31.intoArray(out, o + 3 * ld + LEND);
    c40.intoArray(out, o + 4 * ld);
    c41.intoArray(out, o + 4 * ld + LEND);
    c50.intoArray(out, o + 5 * ld);
    c51.intoArray(out, o + 5 * ld + LEND);
    c60.intoArray(out, o + 6 * ld);
    c61.intoArray(out, o + 6 * ld + LEND);
    c70.intoArray(out, o + 7 * ld);
    c71.intoArray(out, o + 7 * ld + LEND);
    if (!full) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(edge, r * NR_D, c, cOff + r * ldc, cols);
      }
    }
  }

  @Override
  public void depthwiseRow(
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
      int count) {
    int j = 0;
    // Two vectors per step: two independent FMA chains hide the FMA latency.
    for (; j + 2 * LEN <= count; j += 2 * LEN) {
      FloatVector acc0 = FloatVector.broadcast(SF, bias);
      FloatVector acc1 = acc0;
      for (int i = 0; i < kh; i++) {
        int xr = xOff + i * dh * ldx + j;
        int wr = wOff + i * kw;
        for (int t = 0; t < kw; t++) {
          FloatVector wv = FloatVector.broadcast(SF, w[wr + t]);
          acc0 = wv.fma(FloatVector.fromArray(SF, x, xr + t * dw), acc0);
          acc1 = wv.fma(FloatVector.fromArray(SF, x, xr + t * dw + LEN), acc1);
        }
      }
      acc0.intoArray(y, yOff + j);
      acc1.intoArray(y, yOff + j + LEN);
    }
    for (; j < count; j += LEN) {
      VectorMask<Float> m = SF.indexInRange(j, count);
      FloatVector acc = FloatVector.broadcast(SF, bias);
      for (int i = 0; i < kh; i++) {
        int xr = xOff + i * dh * ldx + j;
        int wr = wOff + i * kw;
        for (int t = 0; t < kw; t++) {
          FloatVector wv = FloatVector.broadcast(SF, w[wr + t]);
          acc = wv.fma(FloatVector.fromArray(SF, x, xr + t * dw, m), acc);
        }
      }
      acc.intoArray(y, yOff + j, m);
    }
  }
}
