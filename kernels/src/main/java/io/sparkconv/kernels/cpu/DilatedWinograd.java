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
        && WinogradConv.wideChannels(lay.inCPerGroup(), lay.outCPerGroup())
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
   * same multiple of d on every side, input sides multiples of d; with under 96 channels (in or
   * out, per group) only d = 2 with phases at least 16 outputs per side. The split and weave passes
   * and the small phase images cost more than the direct path saves there: 64 → 64 channels, 2
   * threads, GFLOP/s Winograd vs direct: d = 4 at 32² 132–154 vs 146–180, at 64² 161–168 vs
   * 165–186, d = 2 at 16² 146 vs 175–198; but d = 2 at 32² 190 vs 158–178 and from 96 channels
   * Winograd wins or ties (d = 4, 256 channels at 32²: 296 vs 203).
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
        && (Math.min(g.inC(), g.outC()) / g.groups() >= 96
            || (d == 2 && g.outH() / d >= 16 && g.outW() / d >= 16))
        && WinogradConv.pays(phases(g), threads);
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
      // With W a multiple of d, column phase b of the plane read as one flat row is every row's
      // phase-b columns in row order: one long split per plane (rows of W/d elements split one
      // by one were 17 % of a 64-channel d = 4 layer), then row runs copied to their phase images.
      Parallel.run(
          threads,
          inPlanes,
          scratch,
          (pl, sc) -> {
            int n = pl / g.inC();
            int c = pl % g.inC();
            int q = ph * pw * dd / d;
            float[] buf = sc.panel(d * q);
            split(x, pl * g.inH() * g.inW(), buf, q);
            for (int a = 0; a < d; a++) {
              for (int b = 0; b < d; b++) {
                int dst = (((n * dd + a * d + b) * g.inC()) + c) * ph * pw;
                for (int i = 0; i < ph; i++) {
                  System.arraycopy(buf, b * q + (a + d * i) * pw, xp, dst + i * pw, pw);
                }
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
            int q = oh * ow * dd / d;
            float[] buf = sc.panel(d * q);
            for (int a = 0; a < d; a++) {
              for (int b = 0; b < d; b++) {
                int src = (((n * dd + a * d + b) * g.outC()) + c) * oh * ow;
                for (int i = 0; i < oh; i++) {
                  System.arraycopy(yp, src + i * ow, buf, b * q + (a + d * i) * ow, ow);
                }
              }
            }
            weave(buf, q, y, pl * g.outH() * g.outW());
          });
    } finally {
      buffers.add(xp);
      buffers.add(yp);
    }
  }

  /** {@code buf[b·q + j] = x[src + d·j + b]} for {@code b < d, j < q}: a plane's column phases. */
  private void split(float[] x, int src, float[] buf, int q) {
    if (d == 2) {
      kern.deinterleave2(x, src, buf, 0, q, q);
    } else if (d == 4) {
      kern.deinterleave4(x, src, buf, 0, q, q);
    } else {
      for (int b = 0; b < d; b++) {
        kern.stridedCopy(x, src + b, d, buf, b * q, q);
      }
    }
  }

  /** {@code y[dst + d·j + b] = buf[b·q + j]} for {@code b < d, j < q}: the inverse of split. */
  private void weave(float[] buf, int q, float[] y, int dst) {
    if (d == 2) {
      kern.interleave2(buf, 0, q, y, dst, q);
    } else if (d == 4) {
      kern.interleave4(buf, 0, q, y, dst, q);
    } else {
      for (int b = 0; b < d; b++) {
        for (int j = 0, o = dst + b; j < q; j++, o += d) {
          y[o] = buf[b * q + j];
        }
      }
    }
  }

  /** Drops the pooled buffers (the plan stays usable; they regrow). */
  void release() {
    winograd.release();
    scratch.clear();
    buffers.clear();
  }
}
