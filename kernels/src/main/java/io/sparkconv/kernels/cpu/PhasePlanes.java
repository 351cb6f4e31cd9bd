package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;

/**
 * One input plane zero-padded and split into its {@code sW} column phases, as the direct
 * convolutions over planes ({@link DepthwiseConv}, {@link GroupedConv}) read it: phase b holds
 * padded columns {@code b, b + sW, ...}, so consecutive output columns read consecutive columns of
 * one phase for every tap (unit stride along the row, one vector row kernel for every stride). Only
 * the rows and columns the kernel reaches are materialised.
 */
final class PhasePlanes {
  private PhasePlanes() {}

  /** Rows of a padded input plane that the kernel reaches. */
  static int paddedRows(ConvGeometry g) {
    return (g.outH() - 1) * g.sH() + (g.kH() - 1) * g.dH() + 1;
  }

  /** Columns of a padded input plane that the kernel reaches (from the left halo on). */
  static int paddedCols(ConvGeometry g) {
    return (g.outW() - 1) * g.sW() + (g.kW() - 1) * g.dW() + 1;
  }

  /** Columns per column phase of a padded input plane. */
  static int pitch(ConvGeometry g) {
    return Ints.ceilDiv(paddedCols(g), g.sW());
  }

  /**
   * Offsets of the taps in a phase plane of {@code ph × pitch} per phase: tap {@code (i, t)} reads
   * column {@code (t·dW) mod sW} phase, row {@code i·dH}, column {@code (t·dW)/sW}.
   */
  static void taps(ConvGeometry g, int ph, int pitch, int[] off) {
    for (int i = 0; i < g.kH(); i++) {
      for (int t = 0; t < g.kW(); t++) {
        int col = t * g.dW();
        off[i * g.kW() + t] = (col % g.sW()) * ph * pitch + i * g.dH() * pitch + col / g.sW();
      }
    }
  }

  /**
   * Copies one input plane ({@code x[src..]}, {@code inH × inW}) zero-padded into {@code p[off..]}
   * as its {@code sW} column phases of {@code ph × pitch} (phase b holds padded columns {@code b, b
   * + sW, ...}): output column ow, tap column t·dW then reads column {@code ow + (t·dW)/sW} of
   * phase {@code (t·dW) mod sW}, unit stride along the row. {@code row} holds {@code sW·pitch}
   * floats.
   */
  static void fill(
      CpuKernels kern,
      float[] x,
      int src,
      ConvGeometry g,
      int ph,
      int pitch,
      float[] p,
      int off,
      float[] row) {
    int ih = g.inH();
    int iw = g.inW();
    int sw = g.sW();
    int phase = ph * pitch;
    for (int r = 0; r < ph; r++) {
      int sr = r - g.padTop();
      boolean inside = sr >= 0 && sr < ih;
      int d = off + r * pitch;
      if (inside) {
        OffsetGemmConv.splitRow(
            kern, x, src + sr * iw, iw, g.padLeft(), sw, row, p, d, phase, pitch, null, 0);
      } else {
        for (int b = 0; b < sw; b++) {
          Arrays.fill(p, d + b * phase, d + b * phase + pitch, 0f);
        }
      }
    }
  }
}
