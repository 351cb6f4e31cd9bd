package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs whose every output reads the whole input image, as one dense matrix product {@code Y[n][j] =
 * bias(j) + Σ_k X[n][k]·B[k][j]} with the images as rows:
 *
 * <ul>
 *   <li>Conv2d whose kernel covers the whole unpadded input (a classifier written as a convolution,
 *       VGG's fc6 as 7×7 on 7×7): k = (channel, kh, kw), j = output channel, B the weights
 *       transposed once;
 *   <li>ConvTranspose2d of a 1×1 input without padding (a DCGAN generator's first layer): k = input
 *       channel, j = (output channel, kh, kw), B the weights as they are.
 * </ul>
 *
 * <p>Either way an image's input row is contiguous, and so is its output row ({@code NCHW} with 1×1
 * or kh×kw planes). The general paths run these as one output position per image (a panel of 32
 * positions packed from 32 images one float at a time, K rows deep) or, transposed, as a stride-1
 * GEMM over a mostly-zero padded input (16× the work for a 4×4 kernel). Here the register tile is 8
 * images × 32 columns of B, read in place, the packed images shared by every column panel.
 */
final class DenseConv {
  private final CpuKernels kern;
  private final int mr;
  private final int nr;
  private final int threads;

  /** Reduction length: input floats per image. */
  private final int k;

  /** Output floats per image. */
  private final int n;

  /**
   * B in column panels, {@code [N/NR][K][NR]} (zero columns past N): a tile reads its K×NR block in
   * sequence. Read in place with a row stride of N, a K block of a tile touches K pages, which the
   * hardware prefetchers do not follow (VGG's fc6 as a 7×7 convolution: 4 GB/s).
   */
  private final float[] b;

  /** Bias per output column (null for none). */
  private final float[] colBias;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<float[]> packs = new ConcurrentLinkedQueue<>();

  private static final int KC = 256;
  private static final int PANELS_PER_JOB = 8;

  /**
   * Whether some runs of this layer may be dense: one group, no dilation and no padding; Conv2d
   * with a kernel larger than 1×1 (1×1 layers on 1×1 inputs are already packed across images on the
   * implicit GEMM), ConvTranspose2d without output padding.
   */
  static boolean applies(ConvSpec spec) {
    boolean plain = spec.groups() == 1 && spec.dilation().h() == 1 && spec.dilation().w() == 1;
    Padding p = spec.padding();
    boolean unpadded = p.equals(Padding.VALID) || (p.isExplicit() && p.h() == 0 && p.w() == 0);
    if (!plain || !unpadded) {
      return false;
    }
    if (spec.transposed()) {
      return spec.outputPadding().h() == 0 && spec.outputPadding().w() == 0;
    }
    return spec.kernelSize().h() * spec.kernelSize().w() > 1;
  }

  /** Whether a run of an applicable layer is dense: the kernel covers the input, or a 1×1 input. */
  static boolean fits(ConvSpec spec, ConvGeometry g) {
    if (spec.transposed()) {
      return g.inH() == 1 && g.inW() == 1 && g.outH() == g.kH() && g.outW() == g.kW();
    }
    return g.inH() == g.kH() && g.inW() == g.kW() && g.outH() == 1 && g.outW() == 1;
  }

  /**
   * @param weight PyTorch's layout: Conv2d {@code (outC, inC, kh, kw)}, ConvTranspose2d {@code
   *     (inC, outC, kh, kw)}
   * @param bias per output channel, null for none
   */
  DenseConv(CpuKernels kern, ConvSpec spec, float[] weight, float[] bias, int threads) {
    if (!applies(spec)) {
      throw new IllegalArgumentException("dense convolution does not apply to " + spec);
    }
    this.kern = kern;
    this.mr = kern.mr();
    this.nr = kern.nr();
    this.threads = Math.max(1, threads);
    int taps = spec.kernelSize().h() * spec.kernelSize().w();
    int outC = spec.outChannels();
    this.k = spec.transposed() ? spec.inChannels() : spec.inChannels() * taps;
    this.n = spec.transposed() ? outC * taps : outC;
    int panels = Ints.ceilDiv(n, nr);
    b = new float[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < n; j++) {
        // B[i][j]: the weight of input i for output column j.
        float v = spec.transposed() ? weight[i * n + j] : weight[j * k + i];
        b[(j / nr * k + i) * nr + j % nr] = v;
      }
    }
    int perChannel = n / outC;
    if (bias == null) {
      colBias = null;
    } else {
      colBias = new float[n];
      for (int j = 0; j < n; j++) {
        colBias[j] = bias[j / perChannel];
      }
    }
  }

  /**
   * Runs the whole batch.
   *
   * @param x input, {@code images × K} floats
   * @param y output, {@code images × N} floats; every element is written
   */
  void run(float[] x, float[] y, int images) {
    if (images == 0 || n == 0) {
      return;
    }
    int mBlocks = Ints.ceilDiv(images, mr);
    // The images packed once per run as the tile's A operand, [row block][k][MR], zero rows past
    // the batch.
    float[] a = Pools.borrow(packs, Math.multiplyExact(mBlocks * mr, k));
    try {
      for (int mb = 0; mb < mBlocks; mb++) {
        for (int r = 0; r < mr; r++) {
          int img = mb * mr + r;
          int base = mb * mr * k + r;
          if (img < images) {
            for (int i = 0; i < k; i++) {
              a[base + i * mr] = x[img * k + i];
            }
          } else {
            for (int i = 0; i < k; i++) {
              a[base + i * mr] = 0f;
            }
          }
        }
      }
      int panels = Ints.ceilDiv(n, nr);
      int jobs = Math.min(panels, Math.max(Ints.ceilDiv(panels, PANELS_PER_JOB), 4 * threads));
      Parallel.run(
          threads,
          jobs,
          scratch,
          (job, sc) -> {
            int p0 = (int) ((long) panels * job / jobs);
            int p1 = (int) ((long) panels * (job + 1) / jobs);
            tiles(a, y, images, p0, p1, sc);
          });
    } finally {
      packs.add(a);
    }
  }

  /**
   * Column panels {@code [p0, p1)} of every image, straight into y (partial tiles through the
   * kernel's edge buffer): K blocks outermost, each panel's K block reused by every row block.
   */
  private void tiles(float[] a, float[] y, int images, int p0, int p1, Scratch sc) {
    int mBlocks = Ints.ceilDiv(images, mr);
    int c0 = p0 * nr;
    int c1 = Math.min(n, p1 * nr);
    if (colBias != null) {
      for (int img = 0; img < images; img++) {
        System.arraycopy(colBias, c0, y, img * n + c0, c1 - c0);
      }
    }
    for (int k0 = 0; k0 < k; k0 += KC) {
      int kc = Math.min(KC, k - k0);
      boolean acc = k0 > 0 || colBias != null;
      for (int p = p0; p < p1; p++) {
        for (int mb = 0; mb < mBlocks; mb++) {
          kern.gemmTile(
              a,
              (mb * k + k0) * mr,
              b,
              (p * k + k0) * nr,
              kc,
              null,
              0,
              acc,
              y,
              mb * mr * n + p * nr,
              n,
              Math.min(mr, images - mb * mr),
              Math.min(nr, n - p * nr),
              sc.edge);
        }
      }
    }
  }

  /** Drops the pooled buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
    packs.clear();
  }
}
