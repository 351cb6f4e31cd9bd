package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;

/**
 * A Winograd layer run by one of two variants, chosen per run ({@link #usesLarge}): 2×2 or 4×4
 * output tiles. Conv2d 3×3 stride 1: F(4×4, 3×3) (36 products per 16 outputs and channel pair, 4×
 * fewer than direct) on large runs, F(2×2, 3×3) (16 per 4, 2.25× fewer) on small images and small
 * batches. ConvTranspose2d 4×4 stride 2, per output phase: F(4×4, 2×2) (25 per 16, 2.56× fewer) on
 * outputs of 16 to 64 per side (wider with 128 input channels per group), F(2×2, 2×2) (9 per 4,
 * 1.78× fewer) elsewhere. Each variant's transformed weights are built on its first run.
 *
 * <p>Numerics: the 2×2-tile transforms only add, subtract and halve (exact on small integers); the
 * 4×4 ones also scale (F(4×4, 3×3): 1/4, 1/6, 1/12, 1/24 and 2, 4, 5, 8; F(4×4, 2×2): 1/2, 1/3, 1/6
 * and 2, 3, 4, 8), within a few float32 ulps of the largest output (random 256-channel layers: 1e-5
 * of it; PyTorch's tolerance for float32 is 2e-4).
 *
 * <p>Measured (2 threads, GFLOP/s 2×2 vs 4×4 tiles, medians of alternating runs): Conv2d 56×56, 4
 * images, 64 channels 258 vs 309; one 224² image 245 vs 329; 28×28, 8 images, 128 channels 288 vs
 * 422; but 14×14, 8 images, 256 channels (tiles packed across images) 258 vs 200, and 7×7, 8
 * images, 512 channels 181 vs 140: few 4×4 tiles make few panels, each streaming all 36 transformed
 * weight blocks. ConvTranspose2d 16² → 32², 8 images: 256→128 137–192 vs 268–274, 128→64 84–161 vs
 * 183–237; but 32² → 64² 128→64 187–195 vs 161–167 on the split grid, where a third of the lanes
 * held garbage columns. On the compact source (best of 3 alternating rounds, 2 threads, 2×2 tiles
 * before against 4×4 now): 32² → 64², 8 images, 128→64 214 → 247, 4 images 256→128 260 → 309; 64² →
 * 128², 2 images, 128→64 235 → 306; 31×29 → 62×58, 4 images, 128→64 208 → 264. Wider outputs with
 * 64 channels stay on 2×2 tiles (64²→128², 64→32: 179 vs 175 with 4×4; 128² → 256²: 180 vs 185).
 */
final class WinogradVariants {
  /** Conv2d output side from which F(4×4, 3×3) runs. */
  static final int F43_MIN_SIDE = 14;

  /**
   * Conv2d 4×4 tiles per run from which F(4×4, 3×3) runs (4 panels of 32): one 56×56 image (196
   * tiles, 64 channels) ran at 358–372 GFLOP/s against F(2×2)'s 167–277 at 2 threads.
   */
  static final int F43_MIN_TILES = 128;

  /**
   * Input channels per group from which F(4×4, 3×3) runs on any output size with at least {@link
   * #F43_WIDE_MIN_TILES} 4×4 tiles, packed across images where the maps are small: there the
   * products saved outweigh the heavier transforms.
   */
  static final int F43_WIDE_CHANNELS =
      Integer.getInteger("sparkconv.cpu.winogradWideChannels", 128);

  static final int F43_WIDE_MIN_TILES = 64;

  /**
   * ConvTranspose2d output sides for which F(4×4, 2×2) runs; above the maximum only with at least
   * {@link #F42_WIDE_CHANNELS} input channels per group.
   */
  static final int F42_MIN_SIDE = 16;

  static final int F42_MAX_SIDE = 64;

  static final int F42_WIDE_CHANNELS = 128;

  /**
   * Benchmarking switch, {@code -Dsparkconv.cpu.winograd=small|large|auto} (default auto): 2×2 or
   * 4×4 tiles for every run, or the choice above.
   */
  static final String MODE = System.getProperty("sparkconv.cpu.winograd", "auto");

  private final Lazy<WinogradConv> small;
  private final Lazy<WinogradConv> large;
  private final boolean transposed;
  private final int nr;
  private final int inCPerGroup;
  private final int threads;

  /**
   * @param lay a layer {@link WinogradConv#applies} to
   * @param weight kept (not copied) until both variants are built
   */
  WinogradVariants(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (!WinogradConv.applies(lay)) {
      throw new IllegalArgumentException("no Winograd variant for " + lay);
    }
    this.nr = kern.nr();
    this.transposed = lay.transposed();
    this.inCPerGroup = lay.inCPerGroup();
    this.threads = Math.max(1, threads);
    this.small = new Lazy<>(() -> new WinogradConv(kern, lay, weight, bias, threads, false));
    this.large = new Lazy<>(() -> new WinogradConv(kern, lay, weight, bias, threads, true));
  }

  /**
   * Whether a run uses 4×4 output tiles. Conv2d: at least {@link #F43_WIDE_CHANNELS} input channels
   * per group and {@link #F43_WIDE_MIN_TILES} tiles (2 threads, 16 images of 7×7, 512 channels:
   * 207–243 → 296–345 GFLOP/s), except where those 4×4 tiles would be packed across images while
   * 2×2 tiles fill their grid and the run splits one image per job (8 images of 14×14 at 256
   * channels, 2 threads, medians of alternating rounds: 144 → 277 and 242 → 292, the fastest passes
   * 352 → 318 and 381 → 328: the packed run streams the batch's source and slows most on a loaded
   * host); or outputs of at least {@link #F43_MIN_SIDE} per side, at least {@link #F43_MIN_TILES}
   * tiles, and tiles read from the grid in place (images whose tile grid fills at least {@link
   * WinogradConv#PACK_BELOW} of its panels' lanes). ConvTranspose2d: outputs of {@link
   * #F42_MIN_SIDE} to {@link #F42_MAX_SIDE} per side, or wider with {@link #F42_WIDE_CHANNELS}
   * input channels per group.
   */
  boolean usesLarge(ConvGeometry g) {
    switch (MODE) {
      case "small":
        return false;
      case "large":
        return true;
      default:
        break;
    }
    if (transposed) {
      return Math.min(g.outH(), g.outW()) >= F42_MIN_SIDE
          && (Math.max(g.outH(), g.outW()) <= F42_MAX_SIDE || inCPerGroup >= F42_WIDE_CHANNELS);
    }
    int tH = Ints.ceilDiv(g.outH(), 4);
    int tW = Ints.ceilDiv(g.outW(), 4);
    long tiles = (long) g.n() * tH * tW;
    boolean inPlace = readsInPlace(g, 4, 6);
    if (inCPerGroup >= F43_WIDE_CHANNELS && tiles >= F43_WIDE_MIN_TILES) {
      // Unless 4×4 tiles would be packed across images where 2×2 tiles fill the grid and run one
      // image per job (cache-resident, steadier on a loaded host).
      return inPlace || !(readsInPlace(g, 2, 4) && WinogradConv.perImage(g.n(), threads));
    }
    return Math.min(g.outH(), g.outW()) >= F43_MIN_SIDE && tiles >= F43_MIN_TILES && inPlace;
  }

  /**
   * Whether tiles of side {@code to} (patch {@code patch}) fill at least {@link
   * WinogradConv#PACK_BELOW} of their grid panels' lanes, so a Conv2d run reads them in place (the
   * sub-plane pitch as {@code WinogradConv.source} sets it for one phase, e0 = 0).
   */
  private boolean readsInPlace(ConvGeometry g, int to, int patch) {
    int tH = Ints.ceilDiv(g.outH(), to);
    int tW = Ints.ceilDiv(g.outW(), to);
    int pw = Ints.ceilDiv(Math.max(g.inW() + g.padLeft(), to * (tW - 1) + patch + 1), to);
    return tH * tW >= WinogradConv.PACK_BELOW * Ints.roundUp(tH * pw, nr);
  }

  /** Runs one batch; every output element is written. */
  void run(float[] x, float[] y, ConvGeometry g) {
    (usesLarge(g) ? large : small).get().run(x, y, g);
  }

  /** Whether a run of this geometry packs its tiles across images (for tests). */
  boolean packs(ConvGeometry g) {
    return (usesLarge(g) ? large : small).get().packs(g);
  }

  /** Drops the built variants' pooled buffers (the plan stays usable). */
  void release() {
    small.ifPresent(WinogradConv::release);
    large.ifPresent(WinogradConv::release);
  }
}
