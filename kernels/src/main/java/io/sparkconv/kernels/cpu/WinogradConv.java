package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Winograd convolutions, batched as GEMMs over the transform elements:
 *
 * <ul>
 *   <li>Conv2d 3×3, stride 1, dilation 1 by F(2×2, 3×3): 16 multiply-adds per tile and channel pair
 *       instead of 36 (2.25× fewer GEMM FLOPs), or by F(4×4, 3×3): 36 instead of 144 (4× fewer);
 *       {@link WinogradVariants} picks one per run;
 *   <li>ConvTranspose2d 4×4, stride 2, dilation 1 (the usual 2× upsampling): in gather form each of
 *       its four output phases is a stride-1 correlation with a 2×2 sub-kernel, run by F(2×2, 2×2):
 *       9 instead of 16 (1.78× fewer), or by F(4×4, 2×2): 25 instead of 64 (2.56× fewer).
 * </ul>
 *
 * <p>The 2×2-tile transforms only add, subtract and halve, so results stay within a few float32
 * ulps of the direct sums (and are exact on small integers); the 4×4-tile ones also scale (see
 * {@link WinogradVariants}).
 *
 * <p>Layout: the zero-padded input is split into its TO × TO stride phases, TO the output tile side
 * (sub-plane {@code (a, b)} holds rows {@code a, a+TO, ...}, columns {@code b, b+TO, ...}), so
 * element {@code (r, c)} of the patches of consecutive tiles along a tile row is one contiguous
 * vector; tiles are numbered on a grid of the sub-plane pitch PW (columns past the last tile are
 * garbage, as in {@link OffsetGemmConv}). F(4×4, 2×2) runs that read their tiles in place use a
 * compact source instead ({@link #COMPACT}): per row phase a and patch column offset pc, a plane of
 * the padded input's {@code (TO·i + a, TO·tx + pc)} with a pitch of exactly the tiles per row, so
 * no lane holds a garbage column (a 32² input's phases: 64 tiles in 2 panels instead of 3); the
 * shifted copies cost 6 column planes instead of 4. Per job (image, group, phase, NR-tile panels):
 * input transform of a K block into {@code V[E][kc][NR]}, E GEMMs {@code M[ξ] += U[ξ]·V[ξ]} with
 * the packed register tile, then the output transform adds the bias and writes the valid outputs
 * (runs of whole tiles side by side as interleaved rows). Runs of at least as many images as
 * threads take one image per job instead ({@link #PER_IMAGE}): the job splits its image into a
 * pooled one-image source, which stays in cache, then runs all its panels. Runs that pack their
 * tiles across images with large transformed weights run as one batched GEMM per phase instead
 * ({@link #batched}): every weight block meets all panels while it is in L1.
 *
 * <p>Glossary: E transform elements (16, 36 or 9), T patch size (4, 6 or 3), TO output tile side (2
 * or 4), ξ element, U transformed weights, V transformed input tiles, M products; (rh, rw) output
 * phase, e0 input offset of its first tap; tH×tW tiles; MR×NR register tile.
 */
final class WinogradConv {
  private static final int PANELS_PER_JOB = 4;
  private static final int KC = 128;

  /**
   * F(4×4, 2×2) reads a compact source ({@code -Dsparkconv.cpu.winogradCompact=false}: the split
   * grid): one plane per patch column offset, pitch the tiles per row, so a panel's lanes are all
   * tiles (on the grid, a 32² input's 8 tiles per row sit on a pitch of 9 or 10 and fill 64 of
   * every 96 lanes). Runs that pack their tiles across images keep the smaller split grid.
   */
  static final boolean COMPACT =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.winogradCompact", "true"));

  /**
   * Runs of at least as many images as threads (a multiple of them, or 4 per thread) split and
   * convolve one image per job, each into a pooled source of one image that stays in cache ({@code
   * -Dsparkconv.cpu.winogradPerImage=false}: the batch's source first, then the panels as jobs).
   */
  static final boolean PER_IMAGE =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.winogradPerImage", "true"));

  /**
   * Packs tiles across the batch (panels of valid tiles only, image after image) when fewer than
   * this fraction of a grid panel's lanes are tiles ({@code -Dsparkconv.cpu.winogradPackBelow=0}
   * never packs). A 7×7 output has 4×4 tiles on a 4×6 grid, 16 of a panel's 32 lanes; packed, 8
   * images of it ran at 208 instead of 142 GFLOP/s. At 14×14 and more (three quarters of the lanes
   * and up) the gather costs more than the idle lanes (311 vs 295 GFLOP/s at 14×14).
   */
  static final double PACK_BELOW =
      Double.parseDouble(System.getProperty("sparkconv.cpu.winogradPackBelow", "0.6"));

  /**
   * Packed runs multiply all their panels per weight block ({@link #batched}; {@code
   * -Dsparkconv.cpu.winogradBatched=false}: one panel per job against all of U).
   */
  static final boolean BATCHED =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.winogradBatched", "true"));

  /** K block of {@link #batched}: an MR×KC weight block stays in L1 across the run's panels. */
  private static final int BATCHED_KC = Integer.getInteger("sparkconv.cpu.winogradBatchedKc", 256);

  /**
   * The smallest U (bytes, all elements and groups) for which {@link #batched} pays: a quarter of
   * this machine's 32 MB L3. 8 × 512 channels at 7×7: 1 / 2 threads 101 → 137 / 242 → 256 GFLOP/s
   * (medians of 5 alternating rounds); 256 channels (4 MB): 115 → 110 / 230 → 200.
   */
  static final long BATCHED_MIN_U_BYTES =
      Long.getLong("sparkconv.cpu.winogradBatchedMinU", 8L << 20);

  /** The most floats of V (or of M) a batched run holds at once (128 MB each). */
  private static final long BATCHED_MAX_FLOATS = 32L << 20;

  /** Conv2d tiles of a run from which Winograd pays, up to two threads (see {@link #pays}). */
  static final int MIN_TILES = Integer.getInteger("sparkconv.cpu.winogradMinTiles", 64);

  /** The narrowest row a compact source's fill writes (one 512-bit vector of floats). */
  private static final int SPAN = 16;

  private final CpuKernels kern;
  private final int mr;
  private final int nr;
  private final ConvLayout lay;
  private final float[] bias;
  private final int threads;
  private final int mPad;
  private final Variant variant;
  private final int elems;
  private final int patch;

  /** Output tile side (2 or 4); the source is split into to × to stride phases. */
  private final int to;

  private final Phase[] phases;

  /** Element e of a gathered patch row (packed tiles) is at {@code e·NR}. */
  private final int[] gatherOffs;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<float[]> sources = new ConcurrentLinkedQueue<>();

  /** V and M of {@link #batched} runs, pooled apart from the sources (sizes differ). */
  private final ConcurrentLinkedQueue<float[]> batchedV = new ConcurrentLinkedQueue<>();

  private final ConcurrentLinkedQueue<float[]> batchedM = new ConcurrentLinkedQueue<>();

  /** {@link #BATCHED_MIN_U_BYTES} for this plan (tests take small layers through the path). */
  long batchedMinU = BATCHED_MIN_U_BYTES;

  /**
   * One output phase: outputs {@code oh = rh + osH·q}; input row of patch row r for tile row ty:
   * {@code 2·ty + e0H + r} (before the halo). U is {@code [ξ][group][mb][icg][MR]}.
   */
  private record Phase(int rh, int rw, int e0H, int e0W, float[] u) {}

  /**
   * Whether a Winograd variant applies: Conv2d 3×3 stride 1 with at least 16 input and 16 output
   * channels per group, ConvTranspose2d 4×4 stride 2 with at least 48 and 32 ({@link
   * #wideChannels}; narrower Conv2d runs pay only on large maps, see {@link #pays}); dilation 1.
   * Since images run one per job, Conv2d wins from 16 channels (1 / 2 threads, GFLOP/s, the blocked
   * or implicit GEMM path against Winograd, medians of alternating runs: 32→32 at 112², 4 images,
   * 87 → 114 / 163 → 208; 32→64 at 56², 8 images, 96 → 147 / 175 → 249; 24→32 at 56² 77 → 131 / 133
   * → 243; 16→32 at 112² 88 → 103 / 156 → 165; 64→16 at 56² 76 → 113 / 123 → 227), but not from 8
   * (8→32 at 112² 76 → 68); transposed layers with fewer channels lose (32→16 at 64² 75 → 54).
   */
  static boolean applies(ConvLayout lay) {
    if (lay.dH() != 1 || lay.dW() != 1) {
      return false;
    }
    if (lay.transposed()) {
      return wideChannels(lay.inCPerGroup(), lay.outCPerGroup())
          && lay.kH() == 4
          && lay.kW() == 4
          && lay.sH() == 2
          && lay.sW() == 2;
    }
    return lay.inCPerGroup() >= 16
        && lay.outCPerGroup() >= 16
        && lay.kH() == 3
        && lay.kW() == 3
        && lay.sH() == 1
        && lay.sW() == 1;
  }

  /**
   * At least 48 input and 32 output channels per group: the rule for ConvTranspose2d and dilated
   * layers (at 32 input channels a 3×3 on the batch's source only broke even with the implicit
   * GEMM; at 48 it was 1.3× faster).
   */
  static boolean wideChannels(int inCPerGroup, int outCPerGroup) {
    return inCPerGroup >= 48 && outCPerGroup >= 32;
  }

  /**
   * Whether a run has enough 2×2 tiles for Winograd: Conv2d at least 64 (two register-tile panels)
   * and one panel per thread. Jobs are panels, so with fewer tiles a thread idles, and every panel
   * streams all transformed weights. 3×3, GFLOP/s, Winograd vs the general path, 2 threads: 64
   * tiles (16 images of 4×4, 512 channels) 223–305 vs 167–178, (4 images of 7×7, 512) 278–283 vs
   * 199; 72 tiles (2 images of 12×12, 256) 193 vs 200; one thread: 64 tiles 83 → 143 (256
   * channels), 68 → 110 (128); 32 to 36 tiles lose (2 threads: 2 images of 7×7, 256 channels, 100
   * vs 193; one 12×12 image 184 vs 196), 16 to 25 lose badly (one 7×7 image, 512 channels, 66 vs
   * 208). ConvTranspose2d (tiles counted on the whole output, a quarter in each of its four phases)
   * from 128: one 8×8 input (64 tiles), 256 → 128 channels, ran at 41 vs 139 on 2 threads.
   *
   * <p>Conv2d with fewer channels than {@link #wideChannels} pays only on outputs of at least
   * {@link #NARROW_MIN_SIDE} per side, one image per job ({@link #perImage}): small maps lose (1 /
   * 2 threads, GFLOP/s, general path vs Winograd: 32 images of 32², 16 channels, 68 → 49 / 115 →
   * 123; 32 of 16², 32 channels, 85 → 67 / 158 → 134), and so does a single large image split whole
   * (32 channels at 256², 2 threads: 158 → 146).
   */
  static boolean pays(ConvGeometry g, int threads) {
    long tiles = (long) g.n() * Ints.ceilDiv(g.outH(), 2) * Ints.ceilDiv(g.outW(), 2);
    if (g.transposed()) {
      return tiles >= 2L * MIN_TILES;
    }
    return tiles >= Math.max(MIN_TILES, 32L * threads)
        && (wideChannels(g.inCPerGroup(), g.outCPerGroup())
            || (Math.min(g.outH(), g.outW()) >= NARROW_MIN_SIDE
                && perImage(g.n(), Math.max(1, threads))));
  }

  /** Conv2d output side from which layers with few channels run Winograd (see {@link #pays}). */
  static final int NARROW_MIN_SIDE = 48;

  /**
   * Whether a run of n images on this many threads splits one image per job: as many images as
   * threads, a multiple of them or at least 4 per thread (see {@link #PER_IMAGE}).
   */
  static boolean perImage(int n, int threads) {
    return PER_IMAGE && n >= threads && (n % threads == 0 || n >= 4 * threads);
  }

  /** Which transform: output tile side, patch side. */
  enum Variant {
    /** Conv2d 3×3: 2×2 outputs from 4×4 patches, 16 products (2.25× fewer than direct). */
    F23(2, 4),
    /** Conv2d 3×3: 4×4 outputs from 6×6 patches, 36 products (4× fewer than direct). */
    F43(4, 6),
    /** ConvTranspose2d 4×4 stride 2, per output phase: 2×2 outputs from 3×3 patches. */
    F22(2, 3),
    /**
     * ConvTranspose2d 4×4 stride 2, per output phase: 4×4 outputs from 5×5 patches, 25 products.
     */
    F42(4, 5);

    final int to;
    final int patch;

    Variant(int to, int patch) {
      this.to = to;
      this.patch = patch;
    }
  }

  WinogradConv(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    this(kern, lay, weight, bias, threads, false);
  }

  /**
   * @param large 4×4 output tiles: F(4×4, 3×3) instead of F(2×2, 3×3) for Conv2d, F(4×4, 2×2)
   *     instead of F(2×2, 2×2) per phase for ConvTranspose2d
   */
  WinogradConv(
      CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads, boolean large) {
    if (!applies(lay)) {
      throw new IllegalArgumentException("no Winograd variant for " + lay);
    }
    this.kern = kern;
    this.mr = kern.mr();
    this.nr = kern.nr();
    this.lay = lay;
    this.bias = bias;
    this.threads = Math.max(1, threads);
    this.mPad = Ints.roundUp(lay.outCPerGroup(), mr);
    this.variant =
        lay.transposed()
            ? (large ? Variant.F42 : Variant.F22)
            : (large ? Variant.F43 : Variant.F23);
    this.patch = variant.patch;
    this.elems = patch * patch;
    this.to = variant.to;
    this.gatherOffs = new int[elems];
    for (int e = 0; e < elems; e++) {
      gatherOffs[e] = e * nr;
    }
    if (!lay.transposed()) {
      phases =
          new Phase[] {
            new Phase(0, 0, 0, 0, packU(weight, new int[] {0, 1, 2}, new int[] {0, 1, 2}))
          };
    } else {
      phases = new Phase[4];
      for (int rh = 0; rh < 2; rh++) {
        for (int rw = 0; rw < 2; rw++) {
          // Taps with (r + pad − k) even, ordered by increasing input offset (decreasing k).
          int[] th = subTaps(rh, lay.padH());
          int[] tw = subTaps(rw, lay.padW());
          int e0H = Math.floorDiv(rh + lay.padH() - th[0], 2);
          int e0W = Math.floorDiv(rw + lay.padW() - tw[0], 2);
          phases[rh * 2 + rw] = new Phase(rh, rw, e0H, e0W, packU(weight, th, tw));
        }
      }
    }
  }

  /** The two taps k of a 4-tap, stride-2 transposed kernel hitting output residue r. */
  private static int[] subTaps(int r, int pad) {
    int[] t = new int[2];
    int n = 0;
    for (int k = 3; k >= 0; k--) {
      if (Math.floorMod(r + pad - k, 2) == 0) {
        t[n++] = k;
      }
    }
    return t;
  }

  /** Transforms and packs the (sub-)kernels given by tap lists {@code th × tw} of every pair. */
  private float[] packU(float[] weight, int[] th, int[] tw) {
    int icg = lay.inCPerGroup();
    int ocg = lay.outCPerGroup();
    int groups = lay.groups();
    int khw = lay.kH() * lay.kW();
    int kt = th.length;
    float[] u = new float[elems * groups * mPad * icg];
    double[] gg = new double[kt * kt];
    double[] t = new double[patch * kt];
    double[] row = new double[patch];
    for (int g = 0; g < groups; g++) {
      for (int oc = 0; oc < ocg; oc++) {
        for (int ic = 0; ic < icg; ic++) {
          int base =
              lay.transposed()
                  ? ((g * icg + ic) * ocg + oc) * khw
                  : ((g * ocg + oc) * icg + ic) * khw;
          for (int i = 0; i < kt; i++) {
            for (int j = 0; j < kt; j++) {
              gg[i * kt + j] = weight[base + th[i] * lay.kW() + tw[j]];
            }
          }
          // U = G·g·Gᵀ in double, rounded once.
          for (int c = 0; c < kt; c++) {
            double[] col = new double[kt];
            for (int i = 0; i < kt; i++) {
              col[i] = gg[i * kt + c];
            }
            double[] gc = applyG(col);
            for (int r = 0; r < patch; r++) {
              t[r * kt + c] = gc[r];
            }
          }
          for (int r = 0; r < patch; r++) {
            double[] rr = new double[kt];
            System.arraycopy(t, r * kt, rr, 0, kt);
            double[] ur = applyG(rr);
            System.arraycopy(ur, 0, row, 0, patch);
            for (int c = 0; c < patch; c++) {
              int xi = patch * r + c;
              int at = ((xi * groups + g) * mPad + oc / mr * mr) * icg + ic * mr + oc % mr;
              u[at] = (float) row[c];
            }
          }
        }
      }
    }
    return u;
  }

  /**
   * G·v: F(2,3) {@code G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]}; F(4,3) Lavin's; F(2,2) {@code
   * [[1,0],[1,1],[0,1]]}; F(4,2) {@code [[½,0],[−½,−½],[−⅙,⅙],[⅙,⅓],[0,1]]} (points 0, 1, −1, 2,
   * ∞).
   */
  private double[] applyG(double[] v) {
    return switch (variant) {
      case F23 -> new double[] {v[0], 0.5 * (v[0] + v[1] + v[2]), 0.5 * (v[0] - v[1] + v[2]), v[2]};
      case F43 ->
          new double[] {
            v[0] / 4,
            -(v[0] + v[1] + v[2]) / 6,
            -(v[0] - v[1] + v[2]) / 6,
            v[0] / 24 + v[1] / 12 + v[2] / 6,
            v[0] / 24 - v[1] / 12 + v[2] / 6,
            v[2]
          };
      case F22 -> new double[] {v[0], v[0] + v[1], v[1]};
      case F42 ->
          new double[] {v[0] / 2, -(v[0] + v[1]) / 2, (v[1] - v[0]) / 6, v[0] / 6 + v[1] / 3, v[1]};
    };
  }

  private int gridRows(Phase ph, ConvGeometry g) {
    return lay.transposed() ? Ints.ceilDiv(Math.max(0, g.outH() - ph.rh), 2) : g.outH();
  }

  private int gridCols(Phase ph, ConvGeometry g) {
    return lay.transposed() ? Ints.ceilDiv(Math.max(0, g.outW() - ph.rw), 2) : g.outW();
  }

  /**
   * Halo, sub-plane sizes and stride for one run, and the column planes per row phase: {@code to}
   * on the split grid; on a compact source, one per patch column offset (see {@link #COMPACT}).
   */
  private record Source(int top, int left, int ph, int pw, int stride, int cols, boolean compact) {
    /** Floats per input channel. */
    int channel(int to) {
      return to * cols * stride;
    }
  }

  private Source source(ConvGeometry g) {
    int padT = lay.transposed() ? 0 : g.padTop();
    int padL = lay.transposed() ? 0 : g.padLeft();
    int top = 0;
    int left = 0;
    for (Phase ph : phases) {
      top = Math.max(top, padT - ph.e0H);
      left = Math.max(left, padL - ph.e0W);
    }
    if (COMPACT && variant == Variant.F42) {
      // Pitch: the widest phase's tiles; rows: its tiles plus the patch's row shift; one column
      // plane per patch column offset (tile tx of plane pc reads padded column to·tx + pc).
      int pitch = 1;
      int rows = 1;
      int cols = 1;
      for (Phase ph : phases) {
        int tH = Ints.ceilDiv(gridRows(ph, g), to);
        int tW = Ints.ceilDiv(gridCols(ph, g), to);
        pitch = Math.max(pitch, tW);
        rows = Math.max(rows, tH + (ph.e0H - padT + top + patch - 1) / to);
        cols = Math.max(cols, ph.e0W - padL + left + patch);
      }
      // fillSource writes rows at least SPAN wide (a row's excess is rewritten by the next).
      int stride = OffsetGemmConv.spreadStride((rows - 1) * pitch + Math.max(pitch, SPAN));
      Source compact = new Source(top, left, rows, pitch, stride, cols, true);
      // Small images pack their tiles across the batch anyway: the split grid is smaller.
      if (!packs(g, compact)) {
        return compact;
      }
    }
    int hNeed = g.inH() + top;
    int wNeed = g.inW() + left;
    for (Phase ph : phases) {
      int tH = Ints.ceilDiv(gridRows(ph, g), to);
      int tW = Ints.ceilDiv(gridCols(ph, g), to);
      hNeed = Math.max(hNeed, to * (tH - 1) + ph.e0H - padT + top + patch);
      wNeed = Math.max(wNeed, to * (tW - 1) + ph.e0W - padL + left + patch + 1);
    }
    int ph = Ints.ceilDiv(hNeed, to);
    int pw = Ints.ceilDiv(wNeed, to);
    int stride = OffsetGemmConv.spreadStride((ph - 1) * pw + Math.max(pw, SPAN));
    return new Source(top, left, ph, pw, stride, to, false);
  }

  void run(float[] x, float[] y, ConvGeometry g) {
    int n = g.n();
    if (n == 0 || g.outH() == 0 || g.outW() == 0) {
      return;
    }
    Source src = source(g);
    long perImg = lay.inC() * (long) src.channel(to);
    long need = n * perImg + src.pw + 2L * nr + 16;
    if (need > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("input too large for the CPU backend: " + g);
    }
    int imgSize = (int) perImg;
    int padT = lay.transposed() ? 0 : g.padTop();
    int padL = lay.transposed() ? 0 : g.padLeft();
    int[][] offs = new int[phases.length][elems];
    int[] chunks = new int[phases.length];
    Tiles[] tiles = new Tiles[phases.length];
    int perImage = 0;
    boolean packed = packs(g, src);
    for (int i = 0; i < phases.length; i++) {
      Phase ph = phases[i];
      for (int r = 0; r < patch; r++) {
        for (int c = 0; c < patch; c++) {
          int pr = ph.e0H - padT + src.top + r;
          int pc = ph.e0W - padL + src.left + c;
          offs[i][patch * r + c] =
              src.compact
                  ? ((pr % to) * src.cols + pc) * src.stride + (pr / to) * src.pw
                  : ((pr % to) * to + pc % to) * src.stride + (pr / to) * src.pw + pc / to;
        }
      }
      Tiles tl = new Tiles(g, src, ph, packed);
      tiles[i] = tl;
      chunks[i] = Ints.ceilDiv(tl.tW == 0 ? 0 : tl.panels, panelsPerJob(packed));
      perImage += chunks[i];
    }
    int per = perImage;
    int mBlocks = mPad / mr;
    if (!packed && perImage(n, threads)) {
      // One job per image: split it into a source of its own (pooled, so a thread's buffer stays
      // in cache from image to image), then run all its panels.
      Parallel.run(
          threads,
          n,
          scratch,
          (img, sc) -> {
            float[] si = Pools.borrow(sources, imgSize + src.pw + 2 * nr + 16);
            try {
              fillSource(x, img * lay.inC(), lay.inC(), si, 0, src, g, sc);
              for (int grp = 0; grp < lay.groups(); grp++) {
                for (int i = 0; i < phases.length; i++) {
                  for (int chunk = 0; chunk < chunks[i]; chunk++) {
                    job(si, offs[i], y, src, tiles[i], img, 0, grp, chunk, 0, mBlocks, sc);
                  }
                }
              }
            } finally {
              sources.add(si);
            }
          });
      return;
    }
    float[] s = Pools.borrow(sources, (int) need);
    try {
      Parallel.run(
          threads,
          Ints.ceilDiv(n * lay.inC(), 8),
          scratch,
          (job, sc) -> {
            int p0 = job * 8;
            fillSource(x, p0, Math.min(8, n * lay.inC() - p0), s, p0, src, g, sc);
          });
      if (packed && batchedFits(tiles)) {
        batched(s, offs, tiles, y, g, src);
        return;
      }
      // Packed: one run of panels covers the whole batch (perImage counts the batch's chunks).
      int imgs = packed ? 1 : n;
      int base = imgs * lay.groups() * perImage;
      // Few tiles (batch 1, small images): also split the output channels between jobs, unless
      // the jobs already come out even on the threads: each split repeats the input transform
      // (8 images of 7×7, 512 channels, 4 panels on 2 threads: split 190, whole 240 GFLOP/s,
      // medians of 5 alternating runs).
      int mSplit =
          base >= 4 * threads || (base >= threads && base % threads == 0)
              ? 1
              : Math.min(mBlocks, Ints.ceilDiv(4 * threads, Math.max(1, base)));
      Parallel.run(
          threads,
          base * mSplit,
          scratch,
          (job, sc) -> {
            int ms = job % mSplit;
            int rest = job / mSplit;
            int ig = rest / per;
            rest %= per;
            int mb0 = (int) ((long) mBlocks * ms / mSplit);
            int mb1 = (int) ((long) mBlocks * (ms + 1) / mSplit);
            for (int i = 0; i < phases.length; i++) {
              if (rest < chunks[i]) {
                int img = ig % imgs;
                job(s, offs[i], y, src, tiles[i], img, img, ig / imgs, rest, mb0, mb1, sc);
                return;
              }
              rest -= chunks[i];
            }
          });
    } finally {
      sources.add(s);
    }
  }

  /**
   * Splits {@code count} zero-padded input planes from plane {@code p0} of x into the source's
   * planes from {@code s0} (a run's source holds the batch's planes, a per-image source one
   * image's): on the split grid, per input channel the TO × TO sub-planes {@code (a, b)} of padded
   * rows {@code TO·i + a} and columns {@code TO·j + b}; on a compact source, per row phase a and
   * column offset pc, the plane {@code [row i][tile tx]} = padded input {@code (TO·i + a, TO·tx +
   * pc)}. Rows narrower than {@link #SPAN} are written SPAN wide (one vector deinterleave or gather
   * instead of a scalar loop; the excess lands in the next row, rewritten after it, or in the
   * plane's margin, see {@link #source}).
   */
  private void fillSource(
      float[] x, int p0, int count, float[] s, int s0, Source src, ConvGeometry g, Scratch sc) {
    int ih = g.inH();
    int iw = g.inW();
    int pitch = src.pw;
    int span = Math.max(pitch, SPAN);
    // A padded input row, long enough for every column plane's last (spilled) element.
    int padded = to * (span + Ints.ceilDiv(src.cols, to));
    float[] buf = sc.plane(padded);
    for (int k = 0; k < count; k++) {
      int in = (p0 + k) * ih * iw;
      // Padded rows in order: the input plane is read front to back, and a row's excess lands in
      // its phase's next row, written later.
      for (int pr = 0; pr < to * src.ph; pr++) {
        int row = pr - src.top;
        int d = (s0 + k) * src.channel(to) + (pr % to) * src.cols * src.stride + (pr / to) * pitch;
        if (row < 0 || row >= ih) {
          for (int c = 0; c < src.cols; c++) {
            Arrays.fill(s, d + c * src.stride, d + c * src.stride + pitch, 0f);
          }
          continue;
        }
        if (!src.compact) {
          OffsetGemmConv.splitRow(
              kern, x, in + row * iw, iw, src.left, to, buf, s, d, src.stride, span, null, 0);
          continue;
        }
        OffsetGemmConv.padRow(x, in + row * iw, iw, src.left, buf, padded);
        for (int pc = 0; pc < src.cols; pc++) {
          kern.stridedCopy(buf, pc, to, s, d + pc * src.stride, span);
        }
      }
    }
  }

  private void job(
      float[] s,
      int[] off,
      float[] y,
      Source src,
      Tiles tl,
      int img,
      int sImg,
      int grp,
      int chunk,
      int mb0,
      int mb1,
      Scratch sc) {
    int icg = lay.inCPerGroup();
    int groups = lay.groups();
    int kc = Ints.ceilDiv(icg, Ints.ceilDiv(icg, KC));
    Phase ph = tl.ph;
    boolean packed = tl.packed;
    // V[ξ] and M[ξ] blocks one cache line apart from a multiple of 4 KB: the transforms read and
    // write one row of each of the E blocks, which would otherwise share one L1 set.
    int vs = spread(kc * nr);
    int ms = spread(mPad * nr);
    float[] v = sc.panel(elems * vs);
    int outTmp = elems * ms;
    int gat = outTmp + to * to * nr;
    float[] m = sc.tile(gat + (packed ? elems * nr : 0));
    int sBase = (sImg * lay.inC() + grp * icg) * src.channel(to);
    int[] lanes = sc.taps(6 * nr);
    int ppj = panelsPerJob(packed);
    int p1 = Math.min(tl.panels, (chunk + 1) * ppj);
    for (int p = chunk * ppj; p < p1; p++) {
      long counts = laneMap(tl, p, lanes);
      for (int k0 = 0; k0 < icg; k0 += kc) {
        int kcl = Math.min(kc, icg - k0);
        for (int ic = 0; ic < kcl; ic++) {
          int b = sBase + (k0 + ic) * src.channel(to);
          if (packed) {
            gatherInput(s, b, off, lanes, m, gat, v, ic * nr, vs);
          } else {
            input(s, b + p * nr, off, v, ic * nr, vs);
          }
        }
        for (int xi = 0; xi < elems; xi++) {
          int uBase = (xi * groups + grp) * mPad * icg;
          for (int mb = mb0; mb < mb1; mb++) {
            kern.gemmTile(
                ph.u,
                uBase + mb * mr * icg + k0 * mr,
                v,
                xi * vs,
                kcl,
                null,
                0,
                k0 > 0,
                m,
                xi * ms + mb * mr * nr,
                nr,
                mr,
                nr,
                sc.edge);
          }
        }
      }
      storeTiles(m, 0, ms, m, outTmp, lanes, counts, mb0 * mr, mb1 * mr, y, tl.g, img, grp);
    }
  }

  /** Floats of V (then of M) for one packed panel of one group: E blocks of K (then M) rows. */
  private long batchedPanel(int rows) {
    return (long) elems * spread(rows * nr);
  }

  private boolean batchedFits(Tiles[] tiles) {
    long panels = 0;
    for (Tiles tl : tiles) {
      panels = Math.max(panels, tl.packed ? tl.panels : 0);
    }
    long most =
        panels * lay.groups() * Math.max(batchedPanel(lay.inCPerGroup()), batchedPanel(mPad));
    long uBytes = 4L * elems * lay.groups() * mPad * lay.inCPerGroup();
    return BATCHED && panels >= 2 && uBytes >= batchedMinU && most <= BATCHED_MAX_FLOATS;
  }

  /**
   * A packed run (small images, tiles packed across the batch) as one batched GEMM per phase, in
   * three passes over all its panels: (1) per panel and group, gather and transform the input tiles
   * into {@code V[panel][group][ξ][K][NR]}; (2) per group, element ξ and share of the output
   * channels, {@code M[panel][group][ξ] = U[ξ]·V[panel][group][ξ]}, each MR×KC weight block of U
   * multiplied with every panel while it is in L1; (3) per panel and group, the output transform
   * and the stores. Job by job (one panel each, all of U per panel), every panel streamed all of U
   * and its K-blocked M from L3 ({@code 16 × 512 × 512} floats for 512 channels at 7×7).
   */
  private void batched(
      float[] s, int[][] offs, Tiles[] tiles, float[] y, ConvGeometry g, Source src) {
    int icg = lay.inCPerGroup();
    int ocg = lay.outCPerGroup();
    int groups = lay.groups();
    int mBlocks = mPad / mr;
    int kc = Ints.ceilDiv(icg, Ints.ceilDiv(icg, BATCHED_KC));
    int vs = spread(icg * nr);
    int ms = spread(mPad * nr);
    for (int i = 0; i < phases.length; i++) {
      int[] off = offs[i];
      Tiles tl = tiles[i];
      Phase ph = tl.ph;
      int panels = tl.panels;
      if (panels == 0) {
        continue;
      }
      int units = panels * groups;
      float[] v = Pools.borrow(batchedV, (int) (units * batchedPanel(icg)));
      float[] m = Pools.borrow(batchedM, (int) (units * batchedPanel(mPad)));
      try {
        Parallel.run(
            threads,
            units,
            scratch,
            (u, sc) -> {
              int p = u / groups;
              int grp = u % groups;
              int[] lanes = sc.taps(6 * nr);
              laneMap(tl, p, lanes);
              float[] gat = sc.tile(elems * nr);
              int sBase = grp * icg * src.channel(to);
              int vOff = u * elems * vs;
              for (int ic = 0; ic < icg; ic++) {
                gatherInput(
                    s, sBase + ic * src.channel(to), off, lanes, gat, 0, v, vOff + ic * nr, vs);
              }
            });
        // Output-channel shares: enough jobs for the threads, whole MR blocks.
        int perPass = groups * elems;
        int split = Math.min(mBlocks, Math.max(1, Ints.ceilDiv(4 * threads, perPass)));
        Parallel.run(
            threads,
            perPass * split,
            scratch,
            (job, sc) -> {
              int part = job % split;
              int xi = job / split % elems;
              int grp = job / split / elems;
              int uBase = (xi * groups + grp) * mPad * icg;
              for (int mb = mBlocks * part / split; mb < mBlocks * (part + 1) / split; mb++) {
                for (int k0 = 0; k0 < icg; k0 += kc) {
                  int kcl = Math.min(kc, icg - k0);
                  for (int p = 0; p < panels; p++) {
                    int u = p * groups + grp;
                    kern.gemmTile(
                        ph.u,
                        uBase + mb * mr * icg + k0 * mr,
                        v,
                        (u * elems + xi) * vs + k0 * nr,
                        kcl,
                        null,
                        0,
                        k0 > 0,
                        m,
                        (u * elems + xi) * ms + mb * mr * nr,
                        nr,
                        mr,
                        nr,
                        sc.edge);
                  }
                }
              }
            });
        Parallel.run(
            threads,
            units,
            scratch,
            (u, sc) -> {
              int[] lanes = sc.taps(6 * nr);
              long counts = laneMap(tl, u / groups, lanes);
              float[] tmp = sc.tile(to * to * nr);
              storeTiles(m, u * elems * ms, ms, tmp, 0, lanes, counts, 0, ocg, y, g, 0, u % groups);
            });
      } finally {
        batchedV.add(v);
        batchedM.add(m);
      }
    }
  }

  /** Geometry of a phase's tiles in one run: grid or packed panels of TO×TO output tiles. */
  private final class Tiles {
    final boolean packed;
    final int qRows;
    final int qCols;
    final int tW;
    final int perImg;
    final int grid;
    final int panels;
    final int pw;
    final int imgIn;
    final int imgOut;
    final int outW;
    final Phase ph;
    final ConvGeometry g;

    Tiles(ConvGeometry g, Source src, Phase ph, boolean packed) {
      this.packed = packed;
      this.ph = ph;
      this.g = g;
      qRows = gridRows(ph, g);
      qCols = gridCols(ph, g);
      int tH = Ints.ceilDiv(qRows, to);
      tW = Ints.ceilDiv(qCols, to);
      perImg = tH * tW;
      grid = packed ? g.n() * perImg : tH * src.pw;
      panels = Ints.ceilDiv(grid, nr);
      pw = src.pw;
      imgIn = lay.inC() * src.channel(to);
      imgOut = lay.outC() * g.outH() * g.outW();
      outW = g.outW();
    }
  }

  /**
   * The lane plan of panel p: per lane j, the tile's source offset, its output offset (−1: no tile;
   * both relative to the run's image, group and channel) and its output rows · 8 + columns; then
   * the panel's store plan: runs of whole tiles side by side in the output rows (first lane,
   * length), written row by row with an interleave, and the other tiles' lanes, written one by one
   * from the end of {@code lanes} (6·NR ints). Returns {@code runs << 32 | singles}.
   */
  private long laneMap(Tiles tl, int p, int[] lanes) {
    int os = lay.transposed() ? 2 : 1;
    int runs = 3 * nr;
    int col0 = p * nr;
    for (int j = 0; j < nr; j++) {
      int t = col0 + j;
      int im = tl.packed ? t / Math.max(1, tl.perImg) : 0;
      int rem = tl.packed ? t - im * tl.perImg : t;
      int ty = tl.packed ? rem / tl.tW : rem / tl.pw;
      int tx = tl.packed ? rem - ty * tl.tW : rem - ty * tl.pw;
      boolean tile = t < tl.grid && tx < tl.tW;
      int q = to * ty;
      int r = to * tx;
      lanes[j] = tile ? im * tl.imgIn + ty * tl.pw + tx : 0;
      lanes[nr + j] =
          tile ? im * tl.imgOut + (tl.ph.rh + os * q) * tl.outW + tl.ph.rw + os * r : -1;
      lanes[2 * nr + j] = Math.min(to, tl.qRows - q) * 8 + Math.min(to, tl.qCols - r);
    }
    int nRuns = 0;
    int nSingles = 0;
    for (int j = 0; j < nr; j++) {
      if (lanes[nr + j] < 0) {
        continue;
      }
      if (os != 1 || lanes[2 * nr + j] != to * 8 + to) {
        lanes[6 * nr - 1 - nSingles++] = j;
      } else if (nRuns > 0
          && lanes[runs + 2 * nRuns - 2] + lanes[runs + 2 * nRuns - 1] == j
          && lanes[nr + j] == lanes[nr + j - 1] + to) {
        lanes[runs + 2 * nRuns - 1]++;
      } else {
        lanes[runs + 2 * nRuns] = j;
        lanes[runs + 2 * nRuns + 1] = 1;
        nRuns++;
      }
    }
    return (long) nRuns << 32 | nSingles;
  }

  /**
   * Gathers each patch element of a packed panel's tiles (one input channel at {@code b}) into one
   * contiguous row of {@code m} at {@code gat}, then transforms them into V.
   */
  private void gatherInput(
      float[] s, int b, int[] off, int[] lanes, float[] m, int gat, float[] v, int vOff, int vs) {
    for (int e = 0; e < elems; e++) {
      kern.gatherPanel(s, b + off[e], lanes, m, gat + e * nr);
    }
    input(m, gat, gatherOffs, v, vOff, vs);
  }

  /**
   * Output transform of products {@code M[ξ]} at {@code m[mOff + ξ·ms + oc·NR]} for output channels
   * {@code [oc0, oc1)} of the group (bias added), and the store of each panel tile's valid outputs
   * by its lane plan ({@link #laneMap}); {@code outTmp} is room for one TO×TO×NR tile.
   */
  private void storeTiles(
      float[] m,
      int mOff,
      int ms,
      float[] tmp,
      int outTmp,
      int[] lanes,
      long counts,
      int oc0,
      int oc1,
      float[] y,
      ConvGeometry g,
      int img,
      int grp) {
    int ocg = lay.outCPerGroup();
    int ohw = g.outH() * g.outW();
    int yBase = (img * lay.outC() + grp * ocg) * ohw;
    int os = lay.transposed() ? 2 : 1;
    int runs = 3 * nr;
    int nRuns = (int) (counts >>> 32);
    int nSingles = (int) counts;
    for (int oc = oc0; oc < Math.min(ocg, oc1); oc++) {
      float bv = bias == null ? 0f : bias[grp * ocg + oc];
      switch (variant) {
        case F23 -> kern.winogradOutput(m, mOff + oc * nr, ms, bv, tmp, outTmp);
        case F43 -> kern.winograd43Output(m, mOff + oc * nr, ms, bv, tmp, outTmp);
        case F22 -> kern.winograd22Output(m, mOff + oc * nr, ms, bv, tmp, outTmp);
        case F42 -> kern.winograd42Output(m, mOff + oc * nr, ms, bv, tmp, outTmp);
      }
      int yo = yBase + oc * ohw;
      for (int i = 0; i < nRuns; i++) {
        int j = lanes[runs + 2 * i];
        int len = lanes[runs + 2 * i + 1];
        for (int a = 0; a < to; a++) {
          int d = yo + lanes[nr + j] + a * g.outW();
          int c = outTmp + to * a * nr + j;
          if (to == 4) {
            kern.interleave4(tmp, c, nr, y, d, len);
          } else {
            kern.interleave2(tmp, c, c + nr, y, d, len);
          }
        }
      }
      for (int i = 0; i < nSingles; i++) {
        int j = lanes[6 * nr - 1 - i];
        int d = yo + lanes[nr + j];
        int rows = lanes[2 * nr + j] >> 3;
        int cols = lanes[2 * nr + j] & 7;
        if (rows == 2 && cols == 2) {
          // A whole 2×2 tile (ConvTranspose2d phases: outputs two apart).
          int o = outTmp + j;
          y[d] = tmp[o];
          y[d + os] = tmp[o + nr];
          y[d + os * g.outW()] = tmp[o + 2 * nr];
          y[d + os * g.outW() + os] = tmp[o + 3 * nr];
          continue;
        }
        if (rows == 4 && cols == 4) {
          // A whole 4×4 tile, outputs os apart.
          int o = outTmp + j;
          for (int a = 0; a < 4; a++, d += os * g.outW(), o += 4 * nr) {
            y[d] = tmp[o];
            y[d + os] = tmp[o + nr];
            y[d + 2 * os] = tmp[o + 2 * nr];
            y[d + 3 * os] = tmp[o + 3 * nr];
          }
          continue;
        }
        for (int a = 0; a < rows; a++) {
          for (int b = 0; b < cols; b++) {
            y[d + os * (a * g.outW() + b)] = tmp[outTmp + (to * a + b) * nr + j];
          }
        }
      }
    }
  }

  private void input(float[] s, int base, int[] off, float[] v, int vOff, int vStride) {
    switch (variant) {
      case F23 -> kern.winogradInput(s, base, off, v, vOff, vStride);
      case F43 -> kern.winograd43Input(s, base, off, v, vOff, vStride);
      case F22 -> kern.winograd22Input(s, base, off, v, vOff, vStride);
      case F42 -> kern.winograd42Input(s, base, off, v, vOff, vStride);
    }
  }

  /** A block stride of at least {@code size} floats that is an odd number of cache lines. */
  private static int spread(int size) {
    return OffsetGemmConv.spreadStride(size);
  }

  /** Whether a run of this geometry runs as one batched GEMM per phase (for tests). */
  boolean batched(ConvGeometry g) {
    Source src = source(g);
    boolean packed = packs(g, src);
    Tiles[] tiles = new Tiles[phases.length];
    for (int i = 0; i < phases.length; i++) {
      tiles[i] = new Tiles(g, src, phases[i], packed);
    }
    return packed && batchedFits(tiles);
  }

  /** Whether a run of this geometry packs its tiles across images (for tests). */
  boolean packs(ConvGeometry g) {
    return packs(g, source(g));
  }

  /**
   * Whether this run packs tiles: fewer than {@link #PACK_BELOW} of the grid panels' lanes would
   * hold a tile (small images, whose grid rows carry halo columns).
   */
  private boolean packs(ConvGeometry g, Source src) {
    long valid = 0;
    long computed = 0;
    for (Phase ph : phases) {
      int tH = Ints.ceilDiv(gridRows(ph, g), to);
      int tW = Ints.ceilDiv(gridCols(ph, g), to);
      valid += (long) tH * tW;
      computed += tW == 0 ? 0 : Ints.roundUp(tH * src.pw, nr);
    }
    return valid < PACK_BELOW * computed;
  }

  /**
   * Panels per job: packed runs are small batches of small images, few panels in all, so one per
   * job keeps the output channels whole (a job's input gather and transform serve all of them: 208
   * instead of 126 GFLOP/s at 8 images of 7×7 against 2 panels per job).
   */
  private static int panelsPerJob(boolean packed) {
    return packed ? 1 : PANELS_PER_JOB;
  }

  /** Drops the pooled scratch and source buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
    sources.clear();
    batchedV.clear();
    batchedM.clear();
  }
}
