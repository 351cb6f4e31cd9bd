package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Direct ConvTranspose2d for one input channel per group (depthwise transposed convolutions, such
 * as the bilinear upsampling layers of FCN-style networks, with any channel multiplier), in gather
 * form. The implicit GEMM ran these as M = 1 matrix products per group and phase (2.6 GFLOP/s on
 * two threads for 64 channels 4×4 stride 2 on 32×32).
 *
 * <p>Output {@code (oh, ow)} sits at extended position {@code (oh + padTop, ow + padLeft)}; an
 * input {@code (ih, iw)} and tap {@code (kh, kw)} reach extended position {@code (ih·sH + kh·dH,
 * iw·sW + kw·dW)}. So the outputs of one extended phase {@code (a, b)} (positions {@code a + sH·r,
 * b + sW·c}) form a stride-1 correlation of the input plane with the taps of that phase, tap {@code
 * (kh, kw)} reading input {@code (r − ⌊kh·dH/sH⌋, c − ⌊kw·dW/sW⌋)}. Each input plane is copied into
 * a zero-padded plane with {@code TH = ⌊(kH−1)·dH/sH⌋} rows above and {@code TW} columns to the
 * left, which turns every tap into a non-negative offset; each output phase is then computed by the
 * depthwise row kernel ({@link CpuKernels#depthwiseRows}) and, with sW = 2, its two column phases
 * woven into whole output rows.
 *
 * <p>Glossary: ra, rb output row/column phase ({@code oh mod sH}); a, b the extended phase of the
 * same outputs ({@code (ra + padTop) mod sH}); ph×pitch padded input plane; m output channels per
 * group.
 */
final class TransposedDepthwise {
  /** Floats past the row buffers and padded plane that a vector kernel may touch. */
  private static final int SLACK = 64;

  private final CpuKernels kern;
  private final ConvLayout lay;
  private final int m;
  private final int th;
  private final int tw;
  private final float[] bias;
  private final int threads;

  /** Weights by output channel, extended phase (a·sW + b), then tap in that phase's order. */
  private final float[] packed;

  /** Taps of each extended phase as (row shift, column shift) pairs, in packing order. */
  private final int[][] shifts;

  /** Where each extended phase's weights start inside an output channel's block. */
  private final int[] phaseStart;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();

  /** The geometry of the last run: the identity that marks a scratch plane's zero halo. */
  private volatile ConvGeometry lastGeometry;

  static boolean applies(ConvLayout lay) {
    return lay.transposed() && lay.inCPerGroup() == 1;
  }

  TransposedDepthwise(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (!applies(lay)) {
      throw new IllegalArgumentException("not a depthwise ConvTranspose2d: " + lay);
    }
    this.kern = kern;
    this.lay = lay;
    this.m = lay.outCPerGroup();
    this.bias = bias;
    this.threads = Math.max(1, threads);
    this.th = (lay.kH() - 1) * lay.dH() / lay.sH();
    this.tw = (lay.kW() - 1) * lay.dW() / lay.sW();
    int phases = lay.sH() * lay.sW();
    int taps = lay.kH() * lay.kW();
    this.shifts = new int[phases][];
    this.phaseStart = new int[phases];
    // PyTorch's ConvTranspose2d weight: [inC][m][kH][kW]; output channel oc = ic·m + j.
    this.packed = new float[lay.outC() * taps];
    int start = 0;
    for (int a = 0; a < lay.sH(); a++) {
      for (int b = 0; b < lay.sW(); b++) {
        int ph = a * lay.sW() + b;
        int count = 0;
        int[] s = new int[2 * taps];
        for (int kh = 0; kh < lay.kH(); kh++) {
          for (int kw = 0; kw < lay.kW(); kw++) {
            if ((kh * lay.dH()) % lay.sH() != a || (kw * lay.dW()) % lay.sW() != b) {
              continue;
            }
            s[2 * count] = kh * lay.dH() / lay.sH();
            s[2 * count + 1] = kw * lay.dW() / lay.sW();
            for (int oc = 0; oc < lay.outC(); oc++) {
              packed[oc * taps + start + count] = weight[(oc * lay.kH() + kh) * lay.kW() + kw];
            }
            count++;
          }
        }
        shifts[ph] = Arrays.copyOf(s, 2 * count);
        phaseStart[ph] = start;
        start += count;
      }
    }
  }

  /** Runs one geometry of this layer; every output element is written. */
  void run(float[] x, float[] y, ConvGeometry g) {
    int planes = g.n() * lay.inC();
    if (planes == 0 || g.outH() == 0 || g.outW() == 0) {
      return;
    }
    int sH = lay.sH();
    int sW = lay.sW();
    // Extended rows reached by outputs: r up to (outH − 1 + padTop) / sH, plus the TH rows above.
    int rMax = (g.outH() - 1 + g.padTop()) / sH;
    int cMax = (g.outW() - 1 + g.padLeft()) / sW;
    int pitch = cMax + tw + 1;
    int ph = rMax + th + 1;
    int phases = sH * sW;
    int[][] taps = new int[phases][];
    for (int p = 0; p < phases; p++) {
      int count = shifts[p].length / 2;
      taps[p] = new int[count];
      for (int t = 0; t < count; t++) {
        taps[p][t] = (th - shifts[p][2 * t]) * pitch + (tw - shifts[p][2 * t + 1]);
      }
    }
    int rowLen = Ints.ceilDiv(g.outW(), sW);
    int rowsMax = Ints.ceilDiv(g.outH(), sH);
    // One instance per geometry: a scratch plane's halo, zeroed once, is kept while its layout is
    // this instance (only the input rows are written on later planes).
    ConvGeometry layout = lastGeometry;
    if (layout == null || !layout.equals(g)) {
      layout = g;
      lastGeometry = g;
    }
    ConvGeometry at = layout;
    Parallel.run(
        threads,
        planes,
        scratch,
        (pl, s) -> {
          float[] xp = s.plane(ph * pitch + SLACK);
          pad(x, pl * g.inH() * g.inW(), at, xp, pitch, ph, s);
          float[] buf = sW == 1 ? null : s.panel(sW * rowsMax * rowLen + SLACK);
          int n = pl / lay.inC();
          int ic = pl % lay.inC();
          for (int j = 0; j < m; j++) {
            int oc = ic * m + j;
            outputPlane(
                xp, pitch, taps, oc, y, (n * lay.outC() + oc) * g.outH() * g.outW(), g, buf);
          }
        });
  }

  /**
   * The input plane at rows TH.., columns TW.. of a ph×pitch plane (cut where it ends) whose other
   * elements are zero: zeroed whole only when the scratch plane last held another layout.
   */
  private void pad(float[] x, int src, ConvGeometry g, float[] xp, int pitch, int ph, Scratch s) {
    if (s.planeLayout != g) {
      Arrays.fill(xp, 0, ph * pitch + SLACK, 0f);
      s.planeLayout = g;
    }
    int rows = Math.min(g.inH(), ph - th);
    int cols = Math.min(g.inW(), pitch - tw);
    for (int i = 0; i < rows; i++) {
      System.arraycopy(x, src + i * g.inW(), xp, (th + i) * pitch + tw, cols);
    }
  }

  private void outputPlane(
      float[] xp,
      int pitch,
      int[][] taps,
      int oc,
      float[] y,
      int dst,
      ConvGeometry g,
      float[] buf) {
    int sH = lay.sH();
    int sW = lay.sW();
    int ow = g.outW();
    float bv = bias == null ? 0f : bias[oc];
    int rowLen = Ints.ceilDiv(ow, sW);
    int block = oc * lay.kH() * lay.kW();
    for (int ra = 0; ra < sH && ra < g.outH(); ra++) {
      int rows = Ints.ceilDiv(g.outH() - ra, sH);
      int a = (ra + g.padTop()) % sH;
      int r0 = (ra + g.padTop()) / sH;
      for (int rb = 0; rb < sW && rb < ow; rb++) {
        int b = (rb + g.padLeft()) % sW;
        int c0 = (rb + g.padLeft()) / sW;
        int count = Ints.ceilDiv(ow - rb, sW);
        int p = a * sW + b;
        // sW = 1: straight into the output rows; else into the phase's rows of buf, woven below.
        boolean direct = sW == 1;
        rowsOf(
            xp,
            r0 * pitch + c0,
            pitch,
            taps[p],
            block + phaseStart[p],
            bv,
            direct ? y : buf,
            direct ? dst + ra * ow : rb * rows * rowLen,
            direct ? sH * ow : rowLen,
            rows,
            count);
      }
      if (sW > 1) {
        weave(buf, rows, rowLen, y, dst + ra * ow, sH * ow, ow);
      }
    }
  }

  /** Output rows of one phase: the depthwise row kernel, or the bias alone for a tapless phase. */
  private void rowsOf(
      float[] xp,
      int xOff,
      int pitch,
      int[] taps,
      int wOff,
      float bv,
      float[] out,
      int outOff,
      int outStep,
      int rows,
      int count) {
    if (taps.length == 0) {
      for (int r = 0; r < rows; r++) {
        Arrays.fill(out, outOff + r * outStep, outOff + r * outStep + count, bv);
      }
    } else {
      kern.depthwiseRows(
          xp, xOff, pitch, taps, packed, wOff, bv, out, outOff, outStep, rows, count);
    }
  }

  /** Output rows from their sW column phases ({@code buf[(rb·rows + q)·rowLen + i]}). */
  private void weave(float[] buf, int rows, int rowLen, float[] y, int dst, int step, int ow) {
    int sW = lay.sW();
    for (int q = 0; q < rows; q++) {
      int o = dst + q * step;
      if (sW == 2) {
        int pairs = ow / 2;
        kern.interleave2(buf, q * rowLen, (rows + q) * rowLen, y, o, pairs);
        if (ow % 2 == 1) {
          y[o + ow - 1] = buf[q * rowLen + pairs];
        }
      } else {
        for (int rb = 0; rb < sW; rb++) {
          int from = (rb * rows + q) * rowLen;
          for (int i = 0, col = rb; col < ow; i++, col += sW) {
            y[o + col] = buf[from + i];
          }
        }
      }
    }
  }

  /** Drops the pooled scratch (the layer stays usable; it regrows). */
  void release() {
    scratch.clear();
  }
}
