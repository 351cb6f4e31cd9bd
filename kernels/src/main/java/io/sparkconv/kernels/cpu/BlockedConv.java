package io.sparkconv.kernels.cpu;

import static io.sparkconv.kernels.cpu.CpuKernels.BLOCK_C;
import static io.sparkconv.kernels.cpu.CpuKernels.BLOCK_MAX_WIDTH;
import static io.sparkconv.kernels.cpu.CpuKernels.BLOCK_MIN_WIDTH;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Conv2d as a direct convolution over a channel-blocked copy of the input (oneDNN's layout for
 * AVX-512). Each run copies the input into {@code [n][C/16][phase][PH][PW][16]}: 16 channels of one
 * position side by side, a zero halo for the padding, strided inputs split into their stride phases
 * so that consecutive outputs read consecutive positions for every tap. The plan packs the weights
 * once into {@code [OC/32][C/16][kh][kw][16][32]}.
 *
 * <p>A register tile ({@link CpuKernels#blockedTile}) is W ≤ 14 consecutive outputs of one output
 * row × 32 output channels: per input channel it loads two weight vectors and broadcasts W input
 * values, which lie in W lines that serve the next 15 channels too. The implicit GEMM ({@link
 * OffsetGemmConv}) loads two fresh lines from another channel plane at every k step instead, which
 * the hardware prefetchers cannot follow across hundreds of planes; here both streams are short and
 * sequential. Stride-2 3×3 64→128 at 56², 8 images, one thread: the tile runs at ~108 GFLOP/s (92 %
 * of this host's FMA peak; the GEMM's tile ~85 in the same layer), the layer 70 → 81 with the input
 * copy (~14 %) and the stores (~6 %).
 *
 * <p>Applies to Conv2d with one group, input channels a multiple of 16 and output channels a
 * multiple of 32, on 512-bit vectors ({@link CpuKernels#blockedOc()}); runs whose output rows are
 * narrower than {@link CpuKernels#BLOCK_MIN_WIDTH} run elsewhere ({@link #fits}).
 */
final class BlockedConv {
  /** Output rows per job (then output-channel blocks are split when jobs are few). */
  private static final int ROWS_PER_JOB = Integer.getInteger("sparkconv.cpu.blockedRows", 4);

  private final CpuKernels kern;
  private final ConvLayout lay;
  private final int threads;
  private final int oc;
  private final int icb;
  private final int ocb;
  private final int taps;

  /** {@code [OC/OC_B][C/16][kh][kw][16][OC_B]}. */
  private final float[] packed;

  /** Bias per output channel (null for none). */
  private final float[] bias;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<float[]> sources = new ConcurrentLinkedQueue<>();

  /** Whether a plan for this layer should run on the blocked kernels. */
  static boolean applies(ConvLayout lay, CpuKernels kern) {
    int oc = kern.blockedOc();
    return oc > 0
        && !lay.transposed()
        && lay.groups() == 1
        && lay.inC() % BLOCK_C == 0
        && lay.outC() % oc == 0
        && !readsInPlace(lay);
  }

  /**
   * 1×1 stride-1 layers: the implicit GEMM reads their input in place, while this path would copy
   * it (pointwise 256→64 at 56², one thread: 70 against 44 GFLOP/s here).
   */
  private static boolean readsInPlace(ConvLayout lay) {
    return lay.kH() == 1 && lay.kW() == 1 && lay.sH() == 1 && lay.sW() == 1;
  }

  /** Output positions per register tile for a run of this geometry (for tests). */
  int tileWidth(ConvGeometry g) {
    return shape(g).width;
  }

  BlockedConv(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (!applies(lay, kern)) {
      throw new IllegalArgumentException("blocked convolution does not apply to " + lay);
    }
    this.kern = kern;
    this.lay = lay;
    this.threads = Math.max(1, threads);
    this.oc = kern.blockedOc();
    this.icb = lay.inC() / BLOCK_C;
    this.ocb = lay.outC() / oc;
    this.taps = lay.kH() * lay.kW();
    this.bias = bias;
    packed = new float[lay.outC() * lay.inC() * taps];
    for (int ob = 0; ob < ocb; ob++) {
      for (int cb = 0; cb < icb; cb++) {
        for (int t = 0; t < taps; t++) {
          int blk = ((ob * icb + cb) * taps + t) * BLOCK_C * oc;
          for (int c = 0; c < BLOCK_C; c++) {
            for (int o = 0; o < oc; o++) {
              packed[blk + c * oc + o] =
                  weight[((ob * oc + o) * lay.inC() + cb * BLOCK_C + c) * taps + t];
            }
          }
        }
      }
    }
  }

  /**
   * Per-run sizes: tile width and count per output row, stride phases in use (slot per phase, −1
   * unused), and the phase sub-plane {@code ph × pw} positions.
   */
  private record Shape(int width, int chunks, int[] slot, int used, int ph, int pw, long size) {}

  private Shape shape(ConvGeometry g) {
    int chunks = Ints.ceilDiv(g.outW(), BLOCK_MAX_WIDTH);
    int width = Ints.ceilDiv(g.outW(), chunks);
    int sH = lay.sH();
    int sW = lay.sW();
    int[] slot = new int[sH * sW];
    Arrays.fill(slot, -1);
    int used = 0;
    for (int kh = 0; kh < lay.kH(); kh++) {
      for (int kw = 0; kw < lay.kW(); kw++) {
        int p = (kh * lay.dH()) % sH * sW + (kw * lay.dW()) % sW;
        if (slot[p] < 0) {
          slot[p] = used++;
        }
      }
    }
    // Rows and columns read: the last output row's and the last tile's (full width) furthest tap.
    int ph = g.outH() + (lay.kH() - 1) * lay.dH() / sH;
    int pw = chunks * width + (lay.kW() - 1) * lay.dW() / sW;
    long size = (long) g.n() * icb * used * ph * pw * BLOCK_C;
    return new Shape(width, chunks, slot, used, ph, pw, size);
  }

  /** Whether a run of this geometry runs here (else on the implicit GEMM). */
  boolean fits(ConvGeometry g) {
    return fits(g, shape(g));
  }

  private static boolean fits(ConvGeometry g, Shape sh) {
    return g.outW() >= BLOCK_MIN_WIDTH && sh.size <= Integer.MAX_VALUE - 64;
  }

  /**
   * Runs the whole batch.
   *
   * @param x input {@code (n, inC, inH, inW)}
   * @param y output {@code (n, outC, outH, outW)}; every element is written
   */
  void run(float[] x, float[] y, ConvGeometry g) {
    Shape sh = shape(g);
    if (!fits(g, sh)) {
      throw new IllegalArgumentException("blocked convolution does not fit " + g);
    }
    int n = g.n();
    if (n == 0 || g.outH() == 0) {
      return;
    }
    float[] s = Pools.borrow(sources, (int) sh.size);
    try {
      fill(x, s, g, sh);
      int[] tapOff = new int[icb * taps];
      for (int cb = 0; cb < icb; cb++) {
        for (int kh = 0; kh < lay.kH(); kh++) {
          for (int kw = 0; kw < lay.kW(); kw++) {
            int eh = kh * lay.dH();
            int ew = kw * lay.dW();
            int p = sh.slot[eh % lay.sH() * lay.sW() + ew % lay.sW()];
            tapOff[(cb * lay.kH() + kh) * lay.kW() + kw] =
                (((cb * sh.used + p) * sh.ph + eh / lay.sH()) * sh.pw + ew / lay.sW()) * BLOCK_C;
          }
        }
      }
      int rowBlocks = Ints.ceilDiv(g.outH(), ROWS_PER_JOB);
      int base = n * rowBlocks;
      // Few row jobs (one small image): split the output channels too, so every thread has work.
      int split = Math.min(ocb, Math.max(1, Ints.ceilDiv(4 * threads, base)));
      int imgStride = icb * sh.used * sh.ph * sh.pw * BLOCK_C;
      int ohw = g.outH() * g.outW();
      Parallel.run(
          threads,
          base * split,
          scratch,
          (job, sc) -> {
            int part = job % split;
            int img = job / split / rowBlocks;
            int rb = job / split % rowBlocks;
            int oh0 = rb * ROWS_PER_JOB;
            int oh1 = Math.min(g.outH(), oh0 + ROWS_PER_JOB);
            // One output row of all tiles, [position][channel], then written out channel by
            // channel.
            float[] t = sc.tile(sh.chunks * sh.width * oc);
            for (int ob = ocb * part / split; ob < ocb * (part + 1) / split; ob++) {
              int wOff = ob * icb * taps * BLOCK_C * oc;
              for (int oh = oh0; oh < oh1; oh++) {
                for (int ch = 0; ch < sh.chunks; ch++) {
                  int ow0 = ch * sh.width;
                  kern.blockedTile(
                      s,
                      img * imgStride + (oh * sh.pw + ow0) * BLOCK_C,
                      tapOff,
                      packed,
                      wOff,
                      bias,
                      ob * oc,
                      sh.width,
                      t,
                      ow0 * oc);
                }
                int d = (img * lay.outC() + ob * oc) * ohw + oh * g.outW();
                kern.unblockRows(t, oc, y, d, ohw, g.outW());
              }
            }
          });
    } finally {
      sources.add(s);
    }
  }

  /**
   * Copies the input into the blocked layout: position {@code (q, r)} of phase {@code (a, b)} holds
   * padded input row {@code q·sH + a}, column {@code r·sW + b}, zero outside the input.
   */
  private void fill(float[] x, float[] s, ConvGeometry g, Shape sh) {
    int ih = g.inH();
    int iw = g.inW();
    int sH = lay.sH();
    int sW = lay.sW();
    int padT = g.padTop();
    int padL = g.padLeft();
    int plane = sh.ph * sh.pw * BLOCK_C;
    int[] planes = new int[BLOCK_C];
    for (int c = 0; c < BLOCK_C; c++) {
      planes[c] = c * ih * iw;
    }
    Parallel.run(
        threads,
        g.n() * icb,
        scratch,
        (job, sc) -> {
          int img = job / icb;
          int cb = job % icb;
          int x0 = (img * lay.inC() + cb * BLOCK_C) * ih * iw;
          for (int a = 0; a < sH; a++) {
            for (int b = 0; b < sW; b++) {
              int p = sh.slot[a * sW + b];
              if (p < 0) {
                continue;
              }
              int out = ((img * icb + cb) * sh.used + p) * plane;
              // Columns r in [lo, hi) read input column r·sW + b − padL inside [0, iw).
              int lo = Math.min(sh.pw, Math.max(0, Ints.ceilDiv(padL - b, sW)));
              int hi = Math.max(lo, Math.min(sh.pw, Ints.ceilDiv(iw + padL - b, sW)));
              for (int q = 0; q < sh.ph; q++) {
                int row = q * sH + a - padT;
                int d = out + q * sh.pw * BLOCK_C;
                if (row < 0 || row >= ih) {
                  Arrays.fill(s, d, d + sh.pw * BLOCK_C, 0f);
                  continue;
                }
                Arrays.fill(s, d, d + lo * BLOCK_C, 0f);
                Arrays.fill(s, d + hi * BLOCK_C, d + sh.pw * BLOCK_C, 0f);
                int src = x0 + row * iw + lo * sW + b - padL;
                kern.blockRow(x, src, planes, sW, s, d + lo * BLOCK_C, hi - lo);
              }
            }
          }
        });
  }

  /** Drops the pooled scratch and source buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
    sources.clear();
  }
}
