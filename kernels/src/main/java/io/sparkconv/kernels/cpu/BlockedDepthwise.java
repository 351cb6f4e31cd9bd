package io.sparkconv.kernels.cpu;

import static io.sparkconv.kernels.cpu.CpuKernels.BLOCK_C;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Depthwise Conv2d (one input and one output channel per group) 16 channels at a time: each job
 * takes one image's block of 16 channels, copies it into a zero-padded channel-blocked plane {@code
 * [PH][PW][16]} (16 channels of one position side by side, by in-register 16×16 transposes),
 * computes output rows with one vector per output position (a tap is one weight vector times one
 * input vector, whatever the stride, dilation or width), and transposes each band of output rows
 * back to the 16 planar output planes.
 *
 * <p>The planar kernel ({@link DepthwiseConv}) vectorizes along output rows instead: rows narrower
 * than its vectors waste lanes, and stride > 1 costs it a column-phase copy of every plane. Here
 * neither arises (one thread, GFLOP/s, planar → here: 3×3 stride 2 at 14², 576 channels, 2.0 → 8.3;
 * 5×5 stride 2 at 56², 144 channels, 9 → 19; 7×7 at 28² 28 → 55). The two transposes are most of
 * this path's time, so wide stride-1 rows of 3×3 and smaller stay planar ({@link #fits}).
 *
 * <p>Glossary: PH×PW padded plane (only rows and columns the kernel reaches); cb channel block;
 * band output rows written back together (their blocked outputs stay in L1).
 */
final class BlockedDepthwise {
  /** Floats of blocked output per band: the band's outputs stay in L1 until written back. */
  private static final int BAND_FLOATS = 4096;

  /** Narrowest output of a stride-1 layer with at most 9 taps that the planar kernel runs. */
  static final int PLANAR_MIN_WIDTH = 20;

  private final CpuKernels kern;
  private final ConvLayout lay;
  private final int threads;
  private final int blocks;

  /** {@code [C/16][kh·kw][16]}, zero past the last channel. */
  private final float[] packed;

  /** {@code [C/16][16]}, or null for none. */
  private final float[] bias;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();

  /** The destination map of the last geometry run (see {@link Geometry}). */
  private volatile Geometry last;

  /** Whether a plan for this layer should run here: multiplier 1, 16-lane vectors. */
  static boolean applies(ConvLayout lay, CpuKernels kern) {
    return kern.lanes() == BLOCK_C
        && !lay.transposed()
        && lay.inCPerGroup() == 1
        && lay.outCPerGroup() == 1;
  }

  /**
   * Whether a run goes here rather than to the planar kernel: everything but stride 1 with at most
   * 9 taps and outputs at least 20 wide, where the planar rows fill their vectors and this path's
   * two transposes cost more than they save (3×3 at 56², 192 channels, one thread: planar 25, here
   * 13 GFLOP/s; at 16² here 17 against 15; 7×7 at 56² here 53 against 39).
   */
  static boolean fits(ConvGeometry g) {
    boolean planarWide =
        g.sH() == 1 && g.sW() == 1 && g.kH() * g.kW() <= 9 && g.outW() >= PLANAR_MIN_WIDTH;
    return !planarWide;
  }

  BlockedDepthwise(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (!applies(lay, kern)) {
      throw new IllegalArgumentException("not a blocked depthwise Conv2d: " + lay);
    }
    this.kern = kern;
    this.lay = lay;
    this.threads = Math.max(1, threads);
    int c = lay.outC();
    int taps = lay.kH() * lay.kW();
    this.blocks = Ints.ceilDiv(c, BLOCK_C);
    this.packed = new float[blocks * taps * BLOCK_C];
    for (int ch = 0; ch < c; ch++) {
      for (int t = 0; t < taps; t++) {
        packed[((ch / BLOCK_C) * taps + t) * BLOCK_C + ch % BLOCK_C] = weight[ch * taps + t];
      }
    }
    if (bias == null) {
      this.bias = null;
    } else {
      this.bias = Arrays.copyOf(bias, blocks * BLOCK_C);
    }
  }

  /**
   * Per geometry: where each input position goes in the padded blocked plane ({@code map}, a
   * discarded slot past the plane for positions no tap reaches) and the taps' offsets.
   */
  private record Geometry(ConvGeometry g, int ph, int pw, int[] map, int[] taps) {
    static Geometry of(ConvGeometry g) {
      int ph = PhasePlanes.paddedRows(g);
      int pw = PhasePlanes.paddedCols(g);
      int ih = g.inH();
      int iw = g.inW();
      int[] map = new int[ih * iw];
      int discard = ph * pw * BLOCK_C;
      for (int r = 0; r < ih; r++) {
        int pr = r + g.padTop();
        for (int c = 0; c < iw; c++) {
          int pc = c + g.padLeft();
          map[r * iw + c] = pr < ph && pc < pw ? (pr * pw + pc) * BLOCK_C : discard;
        }
      }
      int[] taps = new int[g.kH() * g.kW()];
      for (int i = 0; i < g.kH(); i++) {
        for (int t = 0; t < g.kW(); t++) {
          taps[i * g.kW() + t] = (i * g.dH() * pw + t * g.dW()) * BLOCK_C;
        }
      }
      return new Geometry(g, ph, pw, map, taps);
    }

    /**
     * Output positions computed per row: rows 4 to 7 wide run as 8 (the 8-position kernels), the
     * extra positions reading past the row and landing on the next row's, which overwrites them.
     */
    int computed() {
      int ow = g.outW();
      return ow >= 4 && ow < 8 ? 8 : ow;
    }

    /**
     * Floats of the plane with its discarded slot, and past it what the last row's extra outputs
     * read.
     */
    int size() {
      return (ph * pw + 1) * BLOCK_C + (computed() - g.outW()) * g.sW() * BLOCK_C;
    }
  }

  void run(float[] x, float[] y, ConvGeometry g) {
    int jobs = g.n() * blocks;
    if (jobs == 0 || g.outH() == 0 || g.outW() == 0) {
      return;
    }
    Geometry geo = last;
    if (geo == null || !geo.g().equals(g)) {
      geo = Geometry.of(g);
      last = geo;
    }
    Geometry at = geo;
    Parallel.run(
        threads, jobs, scratch, (job, s) -> block(x, y, at, job / blocks, job % blocks, s));
  }

  private void block(float[] x, float[] y, Geometry geo, int img, int cb, Scratch s) {
    ConvGeometry g = geo.g();
    int c = lay.outC();
    int ih = g.inH();
    int iw = g.inW();
    int oh = g.outH();
    int ow = g.outW();
    int ohw = oh * ow;
    int channels = Math.min(BLOCK_C, c - cb * BLOCK_C);
    float[] p = s.plane(geo.size());
    // The halo is zeroed once per scratch and geometry; later blocks only overwrite the interior.
    if (s.planeLayout != geo) {
      Arrays.fill(p, 0, geo.size(), 0f);
      s.planeLayout = geo;
    }
    int src = (img * c + cb * BLOCK_C) * ih * iw;
    int dst = (img * c + cb * BLOCK_C) * ohw;
    int taps = geo.taps().length;
    int rowStep = g.sH() * geo.pw() * BLOCK_C;
    int step = g.sW() * BLOCK_C;
    int band = Math.max(1, BAND_FLOATS / (ow * BLOCK_C));
    int computed = geo.computed();
    float[] o = s.tile((band * ow + computed - ow) * BLOCK_C);
    int copied = 0;
    for (int r0 = 0; r0 < oh; r0 += band) {
      int r1 = Math.min(oh, r0 + band);
      // Input rows up to the band's last reach, copied just before they are read.
      int need = Math.min(ih, (r1 - 1) * g.sH() + (g.kH() - 1) * g.dH() + 1 - g.padTop());
      if (need > copied) {
        kern.blockPositions(
            x,
            src + copied * iw,
            ih * iw,
            channels - 1,
            p,
            0,
            geo.map(),
            copied * iw,
            (need - copied) * iw);
        copied = need;
      }
      for (int r = r0; r < r1; r++) {
        kern.depthwiseBlocked(
            p,
            r * rowStep,
            step,
            geo.taps(),
            g.kW(),
            packed,
            cb * taps * BLOCK_C,
            bias,
            cb * BLOCK_C,
            o,
            (r - r0) * ow * BLOCK_C,
            computed);
      }
      kern.unblockPositions(o, 0, BLOCK_C, y, dst + r0 * ow, ohw, channels, (r1 - r0) * ow);
    }
  }

  /** Drops the pooled scratch buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
  }
}
