package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.PaddingMode;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A 3×3 stride-1 Conv2d with dilation d > 1 as d² independent undilated convolutions, run by
 * Winograd ({@link WinogradVariants}) in one batch: output {@code (oh, ow)} reads inputs {@code (oh
 * + d·i − P, ow + d·j − P)}, all of its own residue class mod d when the padding P is a multiple of
 * d. So phase {@code (a, b)} of the output (rows {@code a + d·q}, columns {@code b + d·r}) is a
 * plain 3×3 convolution, padding P/d, of phase {@code (a, b)} of the input; with H and W multiples
 * of d all d² phases have one shape and run as d²·N images of one Winograd call.
 *
 * <p>The phases are gathered from the input and the results scattered back (one pass each over
 * input and output, against 9·C multiply-adds per output); the products are the same as the
 * undilated Winograd's, within the same few float32 ulps of the direct sums.
 */
final class DilatedWinograd {
  private final CpuKernels kern;
  private final WinogradVariants winograd;
  private final int d;
  private final int threads;
  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<float[]> buffers = new ConcurrentLinkedQueue<>();

  /** Dilated 3×3 Conv2d, stride 1, equal dilations, channels enough for Winograd. */
  static boolean applies(ConvLayout lay) {
    return !lay.transposed()
        && lay.kH() == 3
        && lay.kW() == 3
        && lay.sH() == 1
        && lay.sW() == 1
        && lay.dH() > 1
        && lay.dH() == lay.dW()
        && WinogradConv.applies(undilated(lay));
  }

  /** The layer without its dilation (the layout its phases run as). */
  static ConvLayout undilated(ConvLayout lay) {
    return new ConvLayout(
        false, lay.inC(), lay.outC(), lay.groups(), 3, 3, 1, 1, 1, 1, lay.padH(), lay.padW());
  }

  DilatedWinograd(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (!applies(lay)) {
      throw new IllegalArgumentException("not a dilated 3×3 Winograd layer: " + lay);
    }
    this.kern = kern;
    this.d = lay.dH();
    this.threads = Math.max(1, threads);
    this.winograd = new WinogradVariants(kern, undilated(lay), weight, bias, threads);
  }

  /**
   * Whether a run decomposes into equal phases and has enough tiles for Winograd: zero padding, the
   * same multiple of d on every side, input sides multiples of d.
   */
  boolean fits(ConvGeometry g) {
    int p = g.padTop();
    return g.paddingMode() == PaddingMode.ZEROS
        && g.padBottom() == p
        && g.padLeft() == p
        && g.padRight() == p
        && p % d == 0
        && g.inH() % d == 0
        && g.inW() % d == 0
        && g.outH() > 0
        && g.outW() > 0
        && WinogradConv.pays(phases(g));
  }

  /** The d²·N-image undilated geometry of the phases. */
  ConvGeometry phases(ConvGeometry g) {
    int p = g.padTop() / d;
    return new ConvGeometry(
        g.kind(),
        g.n() * d * d,
        g.inC(),
        g.inH() / d,
        g.inW() / d,
        g.outC(),
        g.outH() / d,
        g.outW() / d,
        3,
        3,
        1,
        1,
        1,
        1,
        p,
        p,
        p,
        p,
        g.groups(),
        PaddingMode.ZEROS);
  }

  /** Runs a geometry for which {@link #fits} holds; every output element is written. */
  void run(float[] x, float[] y, ConvGeometry g) {
    ConvGeometry pg = phases(g);
    int dd = d * d;
    int ph = pg.inH();
    int pw = pg.inW();
    int oh = pg.outH();
    int ow = pg.outW();
    int inPlanes = g.n() * g.inC();
    int outPlanes = g.n() * g.outC();
    float[] xp = Pools.borrow(buffers, inPlanes * dd * ph * pw);
    float[] yp = Pools.borrow(buffers, outPlanes * dd * oh * ow);
    try {
      // Phase image (n·d² + a·d + b) holds channel c's rows a, a+d, ... and columns b, b+d, ...
      Parallel.run(
          threads,
          inPlanes,
          scratch,
          (pl, sc) -> {
            int n = pl / g.inC();
            int c = pl % g.inC();
            int src = pl * g.inH() * g.inW();
            // Each input row split into its d column phases at once (phase images b + 1 and b lie
            // one channel block of planes apart).
            float[] buf = sc.panel(d * pw);
            for (int a = 0; a < d; a++) {
              int dst = (((n * dd + a * d) * g.inC()) + c) * ph * pw;
              for (int i = 0; i < ph; i++) {
                OffsetGemmConv.splitRow(
                    kern,
                    x,
                    src + (a + d * i) * g.inW(),
                    g.inW(),
                    0,
                    d,
                    buf,
                    xp,
                    dst + i * pw,
                    g.inC() * ph * pw,
                    pw,
                    null,
                    0);
              }
            }
          });
      winograd.run(xp, yp, pg);
      Parallel.run(
          threads,
          outPlanes,
          scratch,
          (pl, sc) -> {
            int n = pl / g.outC();
            int c = pl % g.outC();
            int dst = pl * g.outH() * g.outW();
            for (int a = 0; a < d; a++) {
              for (int b = 0; b < d; b++) {
                int src = (((n * dd + a * d + b) * g.outC()) + c) * oh * ow;
                for (int q = 0; q < oh; q++) {
                  int row = dst + (a + d * q) * g.outW() + b;
                  for (int r = 0; r < ow; r++) {
                    y[row + d * r] = yp[src + q * ow + r];
                  }
                }
              }
            }
          });
    } finally {
      buffers.add(xp);
      buffers.add(yp);
    }
  }

  /** Drops the pooled buffers (the plan stays usable; they regrow). */
  void release() {
    winograd.release();
    scratch.clear();
    buffers.clear();
  }
}
