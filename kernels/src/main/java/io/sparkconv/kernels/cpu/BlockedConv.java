package io.sparkconv.kernels.cpu;

import static io.sparkconv.kernels.cpu.CpuKernels.BLOCK_C;
import static io.sparkconv.kernels.cpu.CpuKernels.BLOCK_MAX_WIDTH;
import static io.sparkconv.kernels.cpu.CpuKernels.BLOCK_MIN_WIDTH;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Conv2d as a direct convolution over a channel-blocked copy of the input (oneDNN's layout for
 * AVX-512). Each job copies the input rows that its band of output rows reads into {@code
 * [C/16][phase][rows][PW][16]}: 16 channels of one position side by side, a zero halo for the
 * padding, strided inputs split into their stride phases so that consecutive outputs read
 * consecutive positions for every tap. The plan packs the weights once into {@code
 * [OC/32][C/groups/16][kh][kw][16][32]}: an output block reads its group's input channels.
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
 * <p>ConvTranspose2d (dilation 1) runs as its output phases: output row {@code oh} with {@code (oh
 * + padding) = m·s + a} reads input rows {@code m − j} through kernel rows {@code a + j·s}, so each
 * phase is a stride-1 convolution of the unsplit input copy (a halo of {@code ⌈k/s⌉ − 1} zero rows
 * and columns before it) with its share of the taps. A tile covers consecutive {@code m} of one
 * column phase, and stores its positions {@code s} apart ({@link CpuKernels#blockedTile}'s {@code
 * ld}) so that the column phases of an output row interleave in the band's scratch, which goes out
 * as whole rows like a forward band's. The phase GEMM ({@link OffsetGemmConv}) instead reads the
 * input planes in place at every k step, as for 1×1 layers (3×3 stride 2, 64→32 at 64², one thread:
 * see BENCHMARKS.md).
 *
 * <p>Applies to Conv2d and ConvTranspose2d with input channels per group a multiple of 16 and
 * output channels per group a multiple of 32, on 512-bit vectors ({@link CpuKernels#blockedOc()});
 * runs whose output rows (per column phase, transposed) are narrower than {@link
 * CpuKernels#BLOCK_MIN_WIDTH} run elsewhere ({@link #fits}).
 */
final class BlockedConv {
  /**
   * Whether a job whose band is the whole output (small maps) transposes each output block's tile
   * rows into a scratch plane block and copies it to y in one run ({@code
   * -Dsparkconv.cpu.blockedWholeCopy=false}: transposed straight into y). Straight into 7×7 planes,
   * each 16-position chunk lands across several 196-byte planes and every line of y is written in
   * pieces at different times: rx_g32_7 (1024 channels in 32 groups at 7×7, one thread) spent 12 %
   * in the transposes, now 7 % plus 2 % for the copy (78.5 → 81.5 GFLOP/s, 4 alternating rounds).
   * The band's input rows of such maps likewise go in one run of transposes per channel block
   * ({@link #fill}; 73 → 78).
   */
  static final boolean WHOLE_COPY =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.blockedWholeCopy", "true"));

  /** The largest output block (floats: channels × positions) copied whole, 16 KB. */
  private static final int WHOLE_COPY_MAX = 4096;

  /**
   * Whether ConvTranspose2d layers run here ({@code -Dsparkconv.cpu.blockedTransposed=false}: on
   * the phase GEMM).
   */
  static final boolean TRANSPOSED =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.blockedTransposed", "true"));

  /**
   * Transposed layers whose phases all read the same input (kernel = stride, no padding: UNet's 2×2
   * upsampling) run here only on maps of fewer input positions: larger ones run as the phase GEMM's
   * one 1×1-like product with the phases stacked as rows, which reads the input in place (one
   * thread, GFLOP/s, GEMM / blocked, 3 alternating rounds: 2×2 stride 2 64→32 at 128² 66 / 60,
   * 128→64 at 64² 82 / 75, 128→64 at 32² 76 / 74; 256→128 at 28² 87 / 97, 512→256 at 14² 75 / 101,
   * at 7² 85 / 97).
   */
  private static final int MERGED_MAX_POSITIONS = 1024;

  /** Output rows per job (then output-channel blocks are split when jobs are few). */
  private static final int ROWS_PER_JOB = Integer.getInteger("sparkconv.cpu.blockedRows", 8);

  private final CpuKernels kern;
  private final ConvLayout lay;
  private final int threads;
  private final int oc;

  /**
   * Input channel blocks per group: the K of an output block's tile is {@code icbg · taps · 16}.
   */
  private final int icbg;

  /** Output channel blocks per group. */
  private final int ocbg;

  private final int ocb;
  private final int taps;

  /**
   * {@code [OC/OC_B][C/16][kh][kw][16][OC_B]}; transposed, per output phase {@code (a, b)} from
   * {@link #phaseOff}, {@code [OC/OC_B][C/16][j][i][16][OC_B]} for kernel row {@code a + j·sH} and
   * column {@code b + i·sW}.
   */
  private final float[] packed;

  /** Transposed: where each output phase's weights start in {@link #packed} (null for Conv2d). */
  private final int[] phaseOff;

  /** Transposed: kernel rows per row phase and columns per column phase (null for Conv2d). */
  private final int[] phaseRows;

  private final int[] phaseCols;

  /** Bias per output channel (null for none). */
  private final float[] bias;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();

  /** Numbers the runs, so a scratch's band copy is never taken for another run's. */
  private final AtomicLong runs = new AtomicLong();

  /** Whether a plan for this layer should run on the blocked kernels. */
  static boolean applies(ConvLayout lay, CpuKernels kern) {
    int oc = kern.blockedOc();
    return oc > 0
        && lay.inCPerGroup() % BLOCK_C == 0
        && lay.outCPerGroup() % oc == 0
        && (lay.transposed() ? TRANSPOSED && lay.dH() == 1 && lay.dW() == 1 : !readsInPlace(lay));
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
    Shape sh = shape(g);
    return sh.phases == null ? sh.width : sh.phases.width[0];
  }

  BlockedConv(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (!applies(lay, kern)) {
      throw new IllegalArgumentException("blocked convolution does not apply to " + lay);
    }
    this.kern = kern;
    this.lay = lay;
    this.threads = Math.max(1, threads);
    this.oc = kern.blockedOc();
    this.icbg = lay.inCPerGroup() / BLOCK_C;
    this.ocbg = lay.outCPerGroup() / oc;
    this.ocb = lay.outC() / oc;
    this.taps = lay.kH() * lay.kW();
    this.bias = bias;
    packed = new float[lay.outC() * lay.inCPerGroup() * taps];
    if (lay.transposed()) {
      phaseRows = phaseTaps(lay.kH(), lay.sH());
      phaseCols = phaseTaps(lay.kW(), lay.sW());
      phaseOff = new int[lay.sH() * lay.sW()];
      packTransposed(weight);
      return;
    }
    phaseRows = null;
    phaseCols = null;
    phaseOff = null;
    for (int ob = 0; ob < ocb; ob++) {
      for (int cb = 0; cb < icbg; cb++) {
        for (int t = 0; t < taps; t++) {
          int blk = ((ob * icbg + cb) * taps + t) * BLOCK_C * oc;
          for (int c = 0; c < BLOCK_C; c++) {
            for (int o = 0; o < oc; o++) {
              packed[blk + c * oc + o] =
                  weight[((ob * oc + o) * lay.inCPerGroup() + cb * BLOCK_C + c) * taps + t];
            }
          }
        }
      }
    }
  }

  /** Kernel taps {@code r, r + s, r + 2s, … < k} per phase {@code r < s}. */
  private static int[] phaseTaps(int k, int s) {
    int[] n = new int[s];
    for (int r = 0; r < s; r++) {
      n[r] = r < k ? Ints.ceilDiv(k - r, s) : 0;
    }
    return n;
  }

  /** Packs a transposed layer's weights {@code (inC, outC/groups, kh, kw)} phase by phase. */
  private void packTransposed(float[] weight) {
    int icg = lay.inCPerGroup();
    int ocg = lay.outCPerGroup();
    int off = 0;
    for (int a = 0; a < lay.sH(); a++) {
      for (int b = 0; b < lay.sW(); b++) {
        int jh = phaseRows[a];
        int jw = phaseCols[b];
        phaseOff[a * lay.sW() + b] = off;
        for (int ob = 0; ob < ocb; ob++) {
          int grp = ob / ocbg;
          for (int cb = 0; cb < icbg; cb++) {
            for (int j = 0; j < jh; j++) {
              for (int i = 0; i < jw; i++) {
                int blk = off + (((ob * icbg + cb) * jh + j) * jw + i) * BLOCK_C * oc;
                int tap = (a + j * lay.sH()) * lay.kW() + b + i * lay.sW();
                for (int c = 0; c < BLOCK_C; c++) {
                  int ic = grp * icg + cb * BLOCK_C + c;
                  for (int o = 0; o < oc; o++) {
                    int ocl = ob % ocbg * oc + o;
                    packed[blk + c * oc + o] = weight[(ic * ocg + ocl) * taps + tap];
                  }
                }
              }
            }
          }
        }
        off += ocb * icbg * jh * jw * BLOCK_C * oc;
      }
    }
  }

  /**
   * Per-run sizes: tile width, the last tile's, and count per output row, stride phases in use
   * (slot per phase, −1 unused), the phase sub-plane {@code ph × pw} positions, output rows per
   * band and the phase rows a band reads, the floats of a band's copy; for the copy, the 16 channel
   * planes' offsets and per column phase b the positions {@code [lo[b], hi[b])} inside the input
   * (the rest is halo), the copy's strides and padding; output positions a band's last tiles write
   * past its end; the column phases of a transposed run (null for Conv2d); per row phase a whose
   * every column phase is read, where {@link #wholeRow} sends the row's columns from {@code
   * rowFirst[a]} on, relative to the row's copy.
   */
  private record Shape(
      int width,
      int last,
      int chunks,
      int[] slot,
      int used,
      int ph,
      int pw,
      int band,
      int bandRows,
      long size,
      int[] planes,
      int[] lo,
      int[] hi,
      boolean[] allColumns,
      int sH,
      int sW,
      int padTop,
      int padLeft,
      int spill,
      Phases phases,
      int[] rowFirst,
      int[][] rowMap) {}

  /**
   * The column phases of a transposed run: phase b's tiles cover {@code m} in {@code [start[b],
   * start[b] + (chunks[b] − 1)·width[b] + last[b])}, output column {@code m·sW + b − padding}; the
   * copy's padding ({@code Shape.padTop}, {@code Shape.padLeft}) is its halo of zero rows and
   * columns before the input.
   */
  private record Phases(int[] start, int[] chunks, int[] width, int[] last) {}

  /**
   * The last tile's width of a row of {@code count} positions in {@code chunks} tiles: the
   * positions left (17 columns: 9 + 8, not 9 + 9), unless fewer than the narrowest tile.
   */
  private static int lastWidth(int count, int chunks, int width) {
    int last = count - (chunks - 1) * width;
    return last >= BLOCK_MIN_WIDTH ? last : width;
  }

  private Shape shape(ConvGeometry g) {
    if (lay.transposed()) {
      return transposedShape(g);
    }
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
    int band = Math.max(1, Math.min(g.outH(), ROWS_PER_JOB));
    // Phase rows a band reads: its own and the furthest tap's below it.
    int bandRows = band + ph - g.outH();
    long size = (long) icbg * used * bandRows * pw * BLOCK_C;
    int[] planes = planes(g);
    int[] lo = new int[sW];
    int[] hi = new int[sW];
    for (int b = 0; b < sW; b++) {
      // Columns r in [lo, hi) of phase column b read input column r·sW + b − padL inside [0, iw).
      lo[b] = Math.min(pw, Math.max(0, Ints.ceilDiv(g.padLeft() - b, sW)));
      hi[b] = Math.max(lo[b], Math.min(pw, Ints.ceilDiv(g.inW() + g.padLeft() - b, sW)));
    }
    // Rows whose every column phase is read are copied in one pass (see wholeRow).
    boolean[] allColumns = new boolean[sH];
    for (int a = 0; a < sH; a++) {
      allColumns[a] = true;
      for (int b = 0; b < sW; b++) {
        allColumns[a] &= slot[a * sW + b] >= 0;
      }
    }
    int[] rowFirst = new int[sH];
    int[][] rowMap = rowMaps(slot, allColumns, lo, hi, sW, g.padLeft(), bandRows, pw, rowFirst);
    return new Shape(
        width,
        lastWidth(g.outW(), chunks, width),
        chunks,
        slot,
        used,
        ph,
        pw,
        band,
        bandRows,
        size,
        planes,
        lo,
        hi,
        allColumns,
        sH,
        sW,
        g.padTop(),
        g.padLeft(),
        (chunks - 1) * width + lastWidth(g.outW(), chunks, width) - g.outW(),
        null,
        rowFirst,
        rowMap);
  }

  /**
   * Where {@link #wholeRow} sends each column of an input row of row phase a (see {@link Shape}),
   * for the row phases whose every column phase is read; {@code first[a]} gets the first column.
   */
  private static int[][] rowMaps(
      int[] slot,
      boolean[] allColumns,
      int[] lo,
      int[] hi,
      int sW,
      int padL,
      int bandRows,
      int pw,
      int[] first) {
    int[][] maps = new int[allColumns.length][];
    for (int a = 0; a < allColumns.length; a++) {
      if (!allColumns[a]) {
        continue;
      }
      int c0 = Integer.MAX_VALUE;
      int c1 = Integer.MIN_VALUE;
      for (int b = 0; b < sW; b++) {
        if (hi[b] > lo[b]) {
          c0 = Math.min(c0, lo[b] * sW + b - padL);
          c1 = Math.max(c1, (hi[b] - 1) * sW + b - padL + 1);
        }
      }
      // No column at all where the tiles read only padding (c1 − c0 would overflow).
      int[] m = new int[c1 > c0 ? c1 - c0 : 0];
      for (int col = c0; col < c1; col++) {
        int b = (col + padL) % sW;
        int r = (col + padL) / sW;
        // The phases' ranges are consecutive input columns (each phase reads from the first
        // column of its own on, up to its copy's width or the input's end): none falls outside.
        m[col - c0] = (slot[a * sW + b] * bandRows * pw + r) * BLOCK_C;
      }
      maps[a] = m;
      first[a] = c0;
    }
    return maps;
  }

  /**
   * A transposed run's sizes: one stride-1 copy of the input with a zero halo of {@code ⌈k/s⌉ − 1}
   * before it (the most taps a phase reads back), tiles per column phase.
   */
  private Shape transposedShape(ConvGeometry g) {
    int sH = lay.sH();
    int sW = lay.sW();
    int haloH = Ints.ceilDiv(lay.kH(), sH) - 1;
    int haloW = Ints.ceilDiv(lay.kW(), sW) - 1;
    int padL = g.padLeft();
    int[] start = new int[sW];
    int[] chunks = new int[sW];
    int[] width = new int[sW];
    int[] lastW = new int[sW];
    int end = 0;
    int spill = 0;
    for (int b = 0; b < sW; b++) {
      // Output column ow = m·sW + b − padL in [0, outW).
      start[b] = Math.max(0, Ints.ceilDiv(padL - b, sW));
      int count = Math.floorDiv(padL + g.outW() - 1 - b, sW) + 1 - start[b];
      if (count <= 0) {
        continue;
      }
      chunks[b] = Ints.ceilDiv(count, BLOCK_MAX_WIDTH);
      width[b] = Ints.ceilDiv(count, chunks[b]);
      lastW[b] = lastWidth(count, chunks[b], width[b]);
      int last = start[b] + (chunks[b] - 1) * width[b] + lastW[b];
      end = Math.max(end, last);
      spill = Math.max(spill, (last - 1) * sW + b - padL + 1 - g.outW());
    }
    int pw = end + haloW;
    int band = Math.max(1, Math.min(g.outH(), ROWS_PER_JOB));
    // Input rows m − j a band reads: its output rows' m, and haloH more before them.
    int bandRows = Ints.ceilDiv(band - 1, sH) + 1 + haloH;
    long size = (long) icbg * bandRows * pw * BLOCK_C;
    int[] planes = planes(g);
    int lo = Math.min(pw, haloW);
    int hi = Math.max(lo, Math.min(pw, g.inW() + haloW));
    int[] first = new int[1];
    int[][] rowMap =
        rowMaps(
            new int[] {0},
            new boolean[] {true},
            new int[] {lo},
            new int[] {hi},
            1,
            haloW,
            bandRows,
            pw,
            first);
    return new Shape(
        0,
        0,
        0,
        new int[] {0},
        1,
        0,
        pw,
        band,
        bandRows,
        size,
        planes,
        new int[] {lo},
        new int[] {hi},
        new boolean[] {true},
        1,
        1,
        haloH,
        haloW,
        spill,
        new Phases(start, chunks, width, lastW),
        first,
        rowMap);
  }

  /** Offsets of 16 consecutive channel planes of the input. */
  private static int[] planes(ConvGeometry g) {
    int[] planes = new int[BLOCK_C];
    for (int c = 0; c < BLOCK_C; c++) {
      planes[c] = c * g.inH() * g.inW();
    }
    return planes;
  }

  /** Whether a run of this geometry runs here (else on the implicit GEMM). */
  boolean fits(ConvGeometry g) {
    return fits(g, shape(g));
  }

  private boolean fits(ConvGeometry g, Shape sh) {
    if (sh.size > Integer.MAX_VALUE - 64) {
      return false;
    }
    if (sh.phases == null) {
      return g.outW() >= BLOCK_MIN_WIDTH;
    }
    boolean merged = lay.kH() == lay.sH() && lay.kW() == lay.sW() && (lay.padH() | lay.padW()) == 0;
    if (merged && g.inH() * g.inW() >= MERGED_MAX_POSITIONS) {
      return false;
    }
    for (int b = 0; b < sh.phases.width.length; b++) {
      if (sh.phases.chunks[b] == 0 || sh.phases.width[b] < BLOCK_MIN_WIDTH) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs the whole batch. A job is one band of output rows of one image (and a share of the output
   * channel blocks when jobs are few): it copies the input rows its band reads into its own
   * scratch, still in L2 when its tiles read them, then runs every tile of the band. The bands'
   * shared halo rows are copied twice; in exchange no thread waits for a whole-batch copy, and the
   * two cores interleave copying (memory-bound) with tiles (compute-bound) instead of both copying
   * at once.
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
    int band = sh.band;
    int bandRows = sh.bandRows;
    int[][] tapOff = sh.phases == null ? new int[][] {forwardTaps(sh)} : transposedTaps(sh);
    int bands = Ints.ceilDiv(g.outH(), band);
    int base = n * bands;
    // Few bands (one small image): split the output channels too, so every thread has work.
    int split = Math.min(ocb, Math.max(1, Ints.ceilDiv(4 * threads, base)));
    int local = (int) sh.size;
    int ohw = g.outH() * g.outW();
    long run = runs.incrementAndGet() << 32;
    Parallel.run(
        threads,
        base * split,
        scratch,
        (job, sc) -> {
          int part = job % split;
          int img = job / split / bands;
          int oh0 = job / split % bands * band;
          int oh1 = Math.min(g.outH(), oh0 + band);
          // Transposed: the band's output rows read input rows m − j from its first row's m on.
          int q0 = sh.phases == null ? oh0 : Math.floorDiv(oh0 + g.padTop(), lay.sH());
          int rows =
              sh.phases == null
                  ? oh1 - oh0 + bandRows - band
                  : Math.floorDiv(oh1 - 1 + g.padTop(), lay.sH()) - q0 + 1 + sh.padTop;
          // A discarded slot past the band's copy (see wholeRow).
          float[] s = sc.panel(local + BLOCK_C);
          // The band's output rows of all tiles, [position][channel], rows outW apart (a last
          // tile past the row's end lands on the next row's start, which overwrites it), then
          // written out channel by channel: one output plane's band is one run.
          int ow = g.outW();
          float[] t = sc.tile(((oh1 - oh0) * ow + sh.spill) * oc);
          for (int ob = ocb * part / split; ob < ocb * (part + 1) / split; ob++) {
            // The copy holds one group's channels of the band: a grouped layer's copy stays in
            // L2 while its output blocks read it (512 channels in 16 groups, stride 2 at 28²:
            // 1.1 MB for all groups). Jobs are numbered band by band: with the output channels
            // split, a thread usually takes the next share of the band it has just copied, and
            // keeps that copy (one small image, 512 channels at 7×7, 2 threads: 8 copies of the
            // band → 2).
            int grp = ob / ocbg;
            long key = run | ((long) (job / split) * lay.groups() + grp);
            if (sc.panelKey != key) {
              fill(
                  x,
                  img,
                  grp * icbg,
                  q0,
                  rows,
                  s,
                  g,
                  sh,
                  sc.map(
                      Math.max(
                          BLOCK_C,
                          g.inH() * g.inW() <= WHOLE_COPY_MAX ? g.inH() * g.inW() : g.inW())));
              sc.panelKey = key;
            }
            for (int oh = oh0; oh < oh1; oh++) {
              if (sh.phases == null
                  && sh.chunks == 1
                  && sh.width == BLOCK_MIN_WIDTH
                  && oh + 1 < oh1) {
                // Two rows of a 7-wide map per tile: one weight load for 14 outputs, not 7.
                kern.blockedPairTile(
                    s,
                    (oh - oh0) * sh.pw * BLOCK_C,
                    sh.pw * BLOCK_C,
                    tapOff[0],
                    packed,
                    ob * icbg * taps * BLOCK_C * oc,
                    bias,
                    ob * oc,
                    t,
                    (oh - oh0) * ow * oc,
                    ow * oc,
                    oc);
                oh++;
              } else if (sh.phases == null) {
                int wOff = ob * icbg * taps * BLOCK_C * oc;
                for (int ch = 0; ch < sh.chunks; ch++) {
                  int ow0 = ch * sh.width;
                  int wd = ch == sh.chunks - 1 ? sh.last : sh.width;
                  kern.blockedTile(
                      s,
                      ((oh - oh0) * sh.pw + ow0) * BLOCK_C,
                      tapOff[0],
                      packed,
                      wOff,
                      bias,
                      ob * oc,
                      wd,
                      t,
                      ((oh - oh0) * ow + ow0) * oc,
                      oc);
                }
              } else {
                transposedRow(s, q0, oh, oh0, ob, g, sh, tapOff, t);
              }
            }
            int d = (img * lay.outC() + ob * oc) * ohw + oh0 * ow;
            if (WHOLE_COPY && oh0 == 0 && oh1 == g.outH() && ohw * oc <= WHOLE_COPY_MAX) {
              float[] o = sc.plane(ohw * oc);
              kern.unblockRows(t, oc, o, 0, ohw, ohw);
              System.arraycopy(o, 0, y, d, ohw * oc);
            } else {
              kern.unblockRows(t, oc, y, d, ohw, (oh1 - oh0) * ow);
            }
          }
        });
  }

  /** A forward band's tap offsets: per group channel block and tap, its phase plane's position. */
  private int[] forwardTaps(Shape sh) {
    int[] tapOff = new int[icbg * taps];
    for (int cb = 0; cb < icbg; cb++) {
      for (int kh = 0; kh < lay.kH(); kh++) {
        for (int kw = 0; kw < lay.kW(); kw++) {
          int eh = kh * lay.dH();
          int ew = kw * lay.dW();
          int p = sh.slot[eh % lay.sH() * lay.sW() + ew % lay.sW()];
          tapOff[(cb * lay.kH() + kh) * lay.kW() + kw] =
              (((cb * sh.used + p) * sh.bandRows + eh / lay.sH()) * sh.pw + ew / lay.sW())
                  * BLOCK_C;
        }
      }
    }
    return tapOff;
  }

  /**
   * A transposed band's tap offsets per output phase {@code (a, b)}: tap {@code (j, i)} of channel
   * block cb reads position {@code (m − j, m' − i)}, relative to a tile's {@code (m, m')}.
   */
  private int[][] transposedTaps(Shape sh) {
    int[][] tapOff = new int[lay.sH() * lay.sW()][];
    for (int a = 0; a < lay.sH(); a++) {
      for (int b = 0; b < lay.sW(); b++) {
        int jh = phaseRows[a];
        int jw = phaseCols[b];
        int[] t = new int[icbg * jh * jw];
        for (int cb = 0; cb < icbg; cb++) {
          for (int j = 0; j < jh; j++) {
            for (int i = 0; i < jw; i++) {
              t[(cb * jh + j) * jw + i] = ((cb * sh.bandRows - j) * sh.pw - i) * BLOCK_C;
            }
          }
        }
        tapOff[a * lay.sW() + b] = t;
      }
    }
    return tapOff;
  }

  /**
   * The tiles of one output row {@code oh} of a transposed run: per column phase b, positions
   * {@code m·sW + b − padL} of the row, {@code sW} positions apart in {@code t}.
   */
  private void transposedRow(
      float[] s,
      int q0,
      int oh,
      int oh0,
      int ob,
      ConvGeometry g,
      Shape sh,
      int[][] tapOff,
      float[] t) {
    Phases ps = sh.phases;
    int sW = lay.sW();
    int a = Math.floorMod(oh + g.padTop(), lay.sH());
    // This row's m, as a row of the band's copy (whose first row is input row q0 − its halo).
    int row = Math.floorDiv(oh + g.padTop(), lay.sH()) - q0 + sh.padTop;
    for (int b = 0; b < sW; b++) {
      int p = a * sW + b;
      int wOff = phaseOff[p] + ob * icbg * phaseRows[a] * phaseCols[b] * BLOCK_C * oc;
      for (int ch = 0; ch < ps.chunks[b]; ch++) {
        int m0 = ps.start[b] + ch * ps.width[b];
        int wd = ch == ps.chunks[b] - 1 ? ps.last[b] : ps.width[b];
        kern.blockedTile(
            s,
            (row * sh.pw + m0 + sh.padLeft) * BLOCK_C,
            tapOff[p],
            packed,
            wOff,
            bias,
            ob * oc,
            wd,
            t,
            ((oh - oh0) * g.outW() + m0 * sW + b - g.padLeft()) * oc,
            sW * oc);
      }
    }
  }

  /**
   * Copies phase rows {@code q0 .. q0+rows−1} of one group's channel blocks (from block {@code
   * cb0}) of one image into the blocked layout {@code [C/groups/16][phase][band rows][pw][16]}:
   * position {@code (q, r)} of phase {@code (a, b)} holds padded input row {@code q·sH + a}, column
   * {@code r·sW + b}, zero outside the input.
   */
  private void fill(
      float[] x,
      int img,
      int cb0,
      int q0,
      int rows,
      float[] s,
      ConvGeometry g,
      Shape sh,
      int[] map) {
    int ih = g.inH();
    int iw = g.inW();
    int sH = sh.sH;
    int sW = sh.sW;
    int padT = sh.padTop;
    int padL = sh.padLeft;
    int rowLen = sh.pw * BLOCK_C;
    int stride = sh.bandRows;
    if (WHOLE_COPY
        && sH == 1
        && sW == 1
        && sh.used == 1
        && sh.lo[0] == padL
        && sh.hi[0] == iw + padL
        && ih * iw <= WHOLE_COPY_MAX
        && map.length >= ih * iw) {
      // A small map whose band reads whole input rows: each channel block's rows in one run of
      // 16×16 transposes, every position to its place by one map (7×7: 4 transposes instead of 7
      // that each read 16 columns for 7).
      int r0 = Math.max(0, q0 - padT);
      int r1 = Math.min(ih, q0 + rows - padT);
      int count = (r1 - r0) * iw;
      if (count >= BLOCK_C) {
        for (int j = 0; j < count; j++) {
          map[j] = (r0 + j / iw + padT - q0) * rowLen + (j % iw + padL) * BLOCK_C;
        }
        for (int cb = 0; cb < icbg; cb++) {
          int base = cb * stride * rowLen;
          for (int q = 0; q < rows; q++) {
            int row = q0 + q - padT;
            int d = base + q * rowLen;
            if (row < 0 || row >= ih) {
              Arrays.fill(s, d, d + rowLen, 0f);
            } else {
              Arrays.fill(s, d, d + padL * BLOCK_C, 0f);
              Arrays.fill(s, d + (iw + padL) * BLOCK_C, d + rowLen, 0f);
            }
          }
          int x0 = (img * lay.inC() + (cb0 + cb) * BLOCK_C) * ih * iw;
          kern.blockPositions(x, x0 + r0 * iw, ih * iw, BLOCK_C - 1, s, base, map, 0, count);
        }
        return;
      }
    }
    // Row by row, every phase of an input row right after another, while its lines are in L1.
    for (int cb = 0; cb < icbg; cb++) {
      int x0 = (img * lay.inC() + (cb0 + cb) * BLOCK_C) * ih * iw;
      for (int q = 0; q < rows; q++) {
        for (int a = 0; a < sH; a++) {
          int row = (q0 + q) * sH + a - padT;
          if (row >= 0 && row < ih && sh.allColumns[a]) {
            wholeRow(
                x, x0 + row * iw, ih * iw, s, (cb * sh.used * stride + q) * rowLen, a, sh, map);
            continue;
          }
          for (int b = 0; b < sW; b++) {
            int p = sh.slot[a * sW + b];
            if (p < 0) {
              continue;
            }
            int d = ((cb * sh.used + p) * stride + q) * rowLen;
            if (row < 0 || row >= ih) {
              Arrays.fill(s, d, d + rowLen, 0f);
              continue;
            }
            int lo = sh.lo[b];
            int hi = sh.hi[b];
            Arrays.fill(s, d, d + lo * BLOCK_C, 0f);
            Arrays.fill(s, d + hi * BLOCK_C, d + rowLen, 0f);
            kern.blockRow(
                x, x0 + row * iw + lo * sW + b - padL, sh.planes, sW, s, d + lo * BLOCK_C, hi - lo);
          }
        }
      }
    }
  }

  /**
   * One input row whose every column phase is read (stride 1, or a kernel at least sW wide): its
   * halo columns zeroed, then the row's columns from the first to the last that any phase reads, 16
   * at a time by in-register transposes, each to its phase's position ({@link Shape#rowMap} moved
   * to this row's copy).
   */
  private void wholeRow(
      float[] x, int src, int planeStride, float[] s, int base, int a, Shape sh, int[] map) {
    int sW = sh.sW;
    int rowLen = sh.pw * BLOCK_C;
    for (int b = 0; b < sW; b++) {
      int d = base + sh.slot[a * sW + b] * sh.bandRows * rowLen;
      Arrays.fill(s, d, d + sh.lo[b] * BLOCK_C, 0f);
      Arrays.fill(s, d + sh.hi[b] * BLOCK_C, d + rowLen, 0f);
    }
    int[] rel = sh.rowMap[a];
    if (rel.length == 0) {
      return;
    }
    for (int j = 0; j < rel.length; j++) {
      map[j] = base + rel[j];
    }
    int c0 = sh.rowFirst[a];
    int count = rel.length;
    if (count < BLOCK_C && src + c0 + (BLOCK_C - 1) * planeStride + BLOCK_C <= x.length) {
      // A row narrower than 16 columns (7×7 maps): one 16×16 transpose reading on into the next
      // row, its extra columns discarded, instead of 16 scalar copies per column.
      Arrays.fill(map, count, BLOCK_C, (int) sh.size);
      count = BLOCK_C;
    }
    kern.blockPositions(x, src + c0, planeStride, BLOCK_C - 1, s, 0, map, 0, count);
  }

  /** Drops the pooled scratch buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
  }
}
