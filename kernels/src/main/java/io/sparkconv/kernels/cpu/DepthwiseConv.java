package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Direct Conv2d for one input channel per group (depthwise, with any channel multiplier): a GEMM
 * with M = 1 would waste the register tile, so each output plane is computed row by row, vectorized
 * over the output width, from a zero-padded copy of its input plane (the copy removes every border
 * test from the inner loop); stride > 1 in width stores that copy as column phases (see {@link
 * #stridedPlane}).
 *
 * <p>On 16-lane vectors, multiplier-1 layers whose rows would be strided, narrow or long-kerneled
 * run 16 channels at a time instead ({@link BlockedDepthwise}).
 *
 * <p>Glossary: PH×PW padded plane; oc output channel, its input channel {@code oc / (outC/inC)}.
 */
final class DepthwiseConv {
  /** Output planes per job: enough work to amortise scheduling, small enough to balance. */
  private static final int PLANES_PER_JOB = 4;

  /** Floats past a padded plane that a flattened run may read (see {@link #rows}). */
  private static final int FLAT_SLACK = 64;

  private final CpuKernels kern;
  private final ConvLayout lay;
  private final float[] weight;
  private final float[] bias;
  private final int threads;
  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();

  /** The geometry of the last run: the identity that marks a scratch plane's halo. */
  private volatile ConvGeometry lastGeometry;

  DepthwiseConv(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (lay.transposed() || lay.inCPerGroup() != 1) {
      throw new IllegalArgumentException("not a depthwise Conv2d: " + lay);
    }
    this.kern = kern;
    this.lay = lay;
    this.weight = weight.clone();
    this.bias = bias;
    this.threads = Math.max(1, threads);
  }

  static boolean applies(ConvLayout lay) {
    return !lay.transposed() && lay.inCPerGroup() == 1;
  }

  void run(float[] x, float[] y, ConvGeometry g) {
    int planes = g.n() * lay.outC();
    if (planes == 0 || g.outH() == 0 || g.outW() == 0) {
      return;
    }
    int jobs = Ints.ceilDiv(planes, PLANES_PER_JOB);
    // One instance per geometry: a scratch plane's zero halo is kept while its layout is this
    // instance (any change of input size, even one that keeps the padded size, re-zeroes it).
    ConvGeometry layout = lastGeometry;
    if (layout == null || !layout.equals(g)) {
      layout = g;
      lastGeometry = g;
    }
    ConvGeometry at = layout;
    Parallel.run(
        threads,
        jobs,
        scratch,
        (job, s) -> {
          int end = Math.min(planes, (job + 1) * PLANES_PER_JOB);
          for (int pl = job * PLANES_PER_JOB; pl < end; pl++) {
            plane(x, y, at, pl, s);
          }
        });
  }

  private void plane(float[] x, float[] y, ConvGeometry g, int pl, Scratch s) {
    if (g.sW() > 1) {
      stridedPlane(x, y, g, pl, s);
      return;
    }
    int img = pl / lay.outC();
    int oc = pl % lay.outC();
    int ic = oc / lay.outCPerGroup();
    int ih = g.inH();
    int iw = g.inW();
    // Only the rows and columns the kernel can reach are materialised.
    int ph = PhasePlanes.paddedRows(g);
    int pw = PhasePlanes.paddedCols(g);
    float[] p = s.plane(ph * pw + FLAT_SLACK);
    int src = (img * lay.inC() + ic) * ih * iw;
    // The halo is zeroed once per scratch and geometry; later planes only copy their interior.
    boolean zeroed = s.planeLayout == g;
    s.planeLayout = g;
    int lo = Math.min(pw, g.padLeft());
    int hi = Math.max(lo, Math.min(pw, g.padLeft() + iw));
    for (int r = 0; r < ph; r++) {
      int sr = r - g.padTop();
      int d = r * pw;
      if (sr < 0 || sr >= ih) {
        if (!zeroed) {
          Arrays.fill(p, d, d + pw, 0f);
        }
        continue;
      }
      if (!zeroed) {
        Arrays.fill(p, d, d + lo, 0f);
        Arrays.fill(p, d + hi, d + pw, 0f);
      }
      if (hi > lo) {
        System.arraycopy(x, src + sr * iw + lo - g.padLeft(), p, d + lo, hi - lo);
      }
    }
    int kh = g.kH();
    int kw = g.kW();
    int[] taps = s.taps(kh * kw);
    for (int i = 0; i < kh; i++) {
      for (int t = 0; t < kw; t++) {
        taps[i * kw + t] = i * g.dH() * pw + t * g.dW();
      }
    }
    float b = bias == null ? 0f : bias[oc];
    rows(p, g.sH() * pw, taps, oc * kh * kw, b, y, pl * g.outH() * g.outW(), g, s);
  }

  /**
   * The output plane from its padded plane p (rows {@code xStep} apart). Outputs narrower than two
   * vectors would run one vector per row, or element by element under one vector (a 14×14 5×5
   * layer: 7 GFLOP/s): those run over the plane flattened instead, every position from the first
   * output to the last as one long row split in four, halo columns included, into a staging grid
   * whose output columns are then copied out.
   */
  private void rows(
      float[] p,
      int xStep,
      int[] taps,
      int wOff,
      float b,
      float[] y,
      int yOff,
      ConvGeometry g,
      Scratch s) {
    int oh = g.outH();
    int ow = g.outW();
    int lanes = kern.lanes();
    int total = (oh - 1) * xStep + ow;
    if (lanes == 1 || ow >= 2 * lanes || oh == 1 || total < 2 * lanes) {
      kern.depthwiseRows(p, 0, xStep, taps, weight, wOff, b, y, yOff, ow, oh, ow);
      return;
    }
    // Four parts of one flattened row: the 4-row kernel's eight independent FMA chains. The last
    // part may run up to 3 positions past the last output (into the plane's slack, discarded).
    int parts = total >= 8 * lanes ? 4 : 1;
    int len = Ints.ceilDiv(total, parts);
    float[] grid = s.tile(parts * len);
    kern.depthwiseRows(p, 0, len, taps, weight, wOff, b, grid, 0, len, parts, len);
    for (int r = 0; r < oh; r++) {
      System.arraycopy(grid, r * xStep, y, yOff + r * ow, ow);
    }
  }

  /**
   * Stride > 1 in width: the padded plane is stored as its {@code sW} column phases (phase b holds
   * padded columns {@code b, b + sW, ...}), so tap {@code (i, t)} of output column ow reads column
   * {@code ow + (t·dW)/sW} of phase {@code (t·dW) mod sW}: unit stride along the row, the same
   * vector row kernel as stride 1.
   */
  private void stridedPlane(float[] x, float[] y, ConvGeometry g, int pl, Scratch s) {
    int img = pl / lay.outC();
    int oc = pl % lay.outC();
    int ic = oc / lay.outCPerGroup();
    int ih = g.inH();
    int iw = g.inW();
    int sw = g.sW();
    int ph = PhasePlanes.paddedRows(g);
    int pwp = PhasePlanes.pitch(g);
    float[] p = s.plane(sw * ph * pwp + FLAT_SLACK);
    s.planeLayout = null;
    int src = (img * lay.inC() + ic) * ih * iw;
    PhasePlanes.fill(kern, x, src, g, ph, pwp, p, 0, s.panel(sw * pwp));
    int kh = g.kH();
    int kw = g.kW();
    int[] taps = s.taps(kh * kw);
    PhasePlanes.taps(g, ph, pwp, taps);
    float b = bias == null ? 0f : bias[oc];
    rows(p, g.sH() * pwp, taps, oc * kh * kw, b, y, pl * g.outH() * g.outW(), g, s);
  }

  /** Drops the pooled scratch and source buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
  }
}
