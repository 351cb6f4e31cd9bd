package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;

/**
 * A 3×3 stride-1 Conv2d by Winograd, the variant chosen per run ({@link #usesF43}): F(4×4, 3×3) (36
 * products per 16 outputs and channel pair, 4× fewer than direct) on large runs, F(2×2, 3×3) (16
 * per 4, 2.25× fewer) on small images and small batches. Each variant's transformed weights are
 * built on its first run.
 *
 * <p>Numerics: F(2×2, 3×3) only adds, subtracts and halves (exact on small integers); F(4×4, 3×3)
 * also scales by 1/4, 1/6, 1/12, 1/24 (weights, rounded once from double) and 2, 4, 5, 8, within a
 * few float32 ulps of the largest output (PyTorch's tolerance for float32 is far wider).
 *
 * <p>Measured (2 threads, GFLOP/s F(2×2) vs F(4×4), medians of alternating runs): 56×56, 4 images,
 * 64 channels 258 vs 309; one 224² image 245 vs 329; 28×28, 8 images, 128 channels 288 vs 422. But
 * 14×14, 8 images, 256 channels (tiles packed across images) 258 vs 200, and 7×7, 8 images, 512
 * channels 181 vs 140: few 4×4 tiles make few panels, each streaming all 36 transformed weight
 * blocks, and output-channel splits that repeat the input transform.
 */
final class Winograd3x3 {
  /** Output side from which F(4×4, 3×3) runs. */
  static final int F43_MIN_SIDE = 14;

  /** 4×4 tiles per run from which F(4×4, 3×3) runs (8 panels of 32). */
  static final int F43_MIN_TILES = 256;

  /**
   * Benchmarking switch, {@code -Dsparkconv.cpu.winograd=f23|f43|auto} (default auto): one variant
   * for every run, or the choice by output size.
   */
  static final String MODE = System.getProperty("sparkconv.cpu.winograd", "auto");

  private final Lazy<WinogradConv> f23;
  private final Lazy<WinogradConv> f43;
  private final int nr;

  /**
   * @param weight kept (not copied) until both variants are built
   */
  Winograd3x3(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (lay.transposed() || !WinogradConv.applies(lay)) {
      throw new IllegalArgumentException("not a Winograd 3×3 Conv2d: " + lay);
    }
    this.nr = kern.nr();
    this.f23 = new Lazy<>(() -> new WinogradConv(kern, lay, weight, bias, threads, false));
    this.f43 = new Lazy<>(() -> new WinogradConv(kern, lay, weight, bias, threads, true));
  }

  /**
   * Whether a run uses F(4×4, 3×3): outputs of at least {@link #F43_MIN_SIDE} per side, at least
   * {@link #F43_MIN_TILES} tiles, and tiles read from the grid in place (images whose tile grid
   * fills at least {@link WinogradConv#PACK_BELOW} of its panels' lanes): small images and batches
   * ran faster by F(2×2, 3×3) at 2 threads (14×14 ×8 images, 256 channels: 258 vs 200 GFLOP/s; 7×7:
   * 181 vs 140; dilated 3×3 on 28×28, 4 images: 215 vs 165).
   */
  boolean usesF43(ConvGeometry g) {
    return switch (MODE) {
      case "f23" -> false;
      case "f43" -> true;
      default -> {
        int tH = Ints.ceilDiv(g.outH(), 4);
        int tW = Ints.ceilDiv(g.outW(), 4);
        // The F(4×4) source's sub-plane pitch (WinogradConv.source for one phase, e0 = 0).
        int pw = Ints.ceilDiv(Math.max(g.inW() + g.padLeft(), 4 * (tW - 1) + 7), 4);
        yield Math.min(g.outH(), g.outW()) >= F43_MIN_SIDE
            && (long) g.n() * tH * tW >= F43_MIN_TILES
            && tH * tW >= WinogradConv.PACK_BELOW * Ints.roundUp(tH * pw, nr);
      }
    };
  }

  /** Runs one batch; every output element is written. */
  void run(float[] x, float[] y, ConvGeometry g) {
    (usesF43(g) ? f43 : f23).get().run(x, y, g);
  }

  /** Whether a run of this geometry packs its tiles across images (for tests). */
  boolean packs(ConvGeometry g) {
    return (usesF43(g) ? f43 : f23).get().packs(g);
  }

  /** Drops the built variants' pooled buffers (the plan stays usable). */
  void release() {
    f23.ifPresent(WinogradConv::release);
    f43.ifPresent(WinogradConv::release);
  }
}
