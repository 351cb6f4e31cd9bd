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
 * <p>Applies to Conv2d with input channels per group a multiple of 16 and output channels per group
 * a multiple of 32, on 512-bit vectors ({@link CpuKernels#blockedOc()}); runs whose output rows are
 * narrower than {@link CpuKernels#BLOCK_MIN_WIDTH} run elsewhere ({@link #fits}).
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

  /** Output rows per job (then output-channel blocks are split when jobs are few). */
  private static final int ROWS_PER_JOB = Integer.getInteger("sparkconv.cpu.blockedRows", 8);

  private final CpuKernels kern;
  private final ConvLayout lay;
  private final int threads;
  private final int oc;
  private final int icb;

  /**
   * Input channel blocks per group: the K of an output block's tile is {@code icbg · taps · 16}.
   */
  private final int icbg;

  /** Output channel blocks per group. */
  private final int ocbg;

  private final int ocb;
  private final int taps;

  /** {@code [OC/OC_B][C/16][kh][kw][16][OC_B]}. */
  private final float[] packed;

  /** Bias per output channel (null for none). */
  private final float[] bias;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();

  /** Numbers the runs, so a scratch's band copy is never taken for another run's. */
  private final AtomicLong runs = new AtomicLong();

  /** Whether a plan for this layer should run on the blocked kernels. */
  static boolean applies(ConvLayout lay, CpuKernels kern) {
    int oc = kern.blockedOc();
    return oc > 0
        && !lay.transposed()
        && lay.inCPerGroup() % BLOCK_C == 0
        && lay.outCPerGroup() % oc == 0
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
    this.icbg = lay.inCPerGroup() / BLOCK_C;
    this.ocbg = lay.outCPerGroup() / oc;
    this.ocb = lay.outC() / oc;
    this.taps = lay.kH() * lay.kW();
    this.bias = bias;
    packed = new float[lay.outC() * lay.inC() * taps];
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

  /**
   * Per-run sizes: tile width and count per output row, stride phases in use (slot per phase, −1
   * unused), the phase sub-plane {@code ph × pw} positions, output rows per band and the phase rows
   * a band reads, the floats of a band's copy; for the copy, the 16 channel planes' offsets and per
   * column phase b the positions {@code [lo[b], hi[b])} inside the input (the rest is halo).
   */
  private record Shape(
      int width,
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
      int padLeft) {}

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
    int band = Math.max(1, Math.min(g.outH(), ROWS_PER_JOB));
    // Phase rows a band reads: its own and the furthest tap's below it.
    int bandRows = band + ph - g.outH();
    long size = (long) icb * used * bandRows * pw * BLOCK_C;
    int[] planes = new int[BLOCK_C];
    for (int c = 0; c < BLOCK_C; c++) {
      planes[c] = c * g.inH() * g.inW();
    }
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
    return new Shape(
        width,
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
        g.padLeft());
  }

  /** Whether a run of this geometry runs here (else on the implicit GEMM). */
  boolean fits(ConvGeometry g) {
    return fits(g, shape(g));
  }

  private static boolean fits(ConvGeometry g, Shape sh) {
    return g.outW() >= BLOCK_MIN_WIDTH && sh.size <= Integer.MAX_VALUE - 64;
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
    // Taps of one group's channel blocks; an output block's tile starts at its group's first.
    int[] tapOff = new int[icbg * taps];
    int groupStride = icbg * sh.used * bandRows * sh.pw * BLOCK_C;
    for (int cb = 0; cb < icbg; cb++) {
      for (int kh = 0; kh < lay.kH(); kh++) {
        for (int kw = 0; kw < lay.kW(); kw++) {
          int eh = kh * lay.dH();
          int ew = kw * lay.dW();
          int p = sh.slot[eh % lay.sH() * lay.sW() + ew % lay.sW()];
          tapOff[(cb * lay.kH() + kh) * lay.kW() + kw] =
              (((cb * sh.used + p) * bandRows + eh / lay.sH()) * sh.pw + ew / lay.sW()) * BLOCK_C;
        }
      }
    }
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
          // A discarded slot past the band's copy (see wholeRow).
          float[] s = sc.panel(local + BLOCK_C);
          // Jobs are numbered band by band: with the output channels split, a thread usually
          // takes the next share of the band it has just copied, and keeps that copy (one small
          // image, 512 channels at 7×7, 2 threads: 8 copies of the band → 2).
          long key = run | (job / split);
          if (sc.panelKey != key) {
            fill(
                x,
                img,
                oh0,
                oh1 - oh0 + bandRows - band,
                bandRows,
                s,
                g,
                sh,
                sc.map(
                    Math.max(
                        BLOCK_C,
                        g.inH() * g.inW() <= WHOLE_COPY_MAX ? g.inH() * g.inW() : g.inW())));
            sc.panelKey = key;
          }
          // The band's output rows of all tiles, [position][channel], rows outW apart (a last
          // tile past the row's end lands on the next row's start, which overwrites it), then
          // written out channel by channel: one output plane's band is one run.
          int ow = g.outW();
          int over = (sh.chunks * sh.width - ow) * oc;
          float[] t = sc.tile((oh1 - oh0) * ow * oc + over);
          for (int ob = ocb * part / split; ob < ocb * (part + 1) / split; ob++) {
            int wOff = ob * icbg * taps * BLOCK_C * oc;
            int xGroup = ob / ocbg * groupStride;
            for (int oh = oh0; oh < oh1; oh++) {
              for (int ch = 0; ch < sh.chunks; ch++) {
                int ow0 = ch * sh.width;
                kern.blockedTile(
                    s,
                    xGroup + ((oh - oh0) * sh.pw + ow0) * BLOCK_C,
                    tapOff,
                    packed,
                    wOff,
                    bias,
                    ob * oc,
                    sh.width,
                    t,
                    ((oh - oh0) * ow + ow0) * oc);
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

  /**
   * Copies phase rows {@code q0 .. q0+rows−1} of one image into the blocked layout {@code
   * [C/16][phase][stride rows][pw][16]}: position {@code (q, r)} of phase {@code (a, b)} holds
   * padded input row {@code q·sH + a}, column {@code r·sW + b}, zero outside the input.
   */
  private void fill(
      float[] x,
      int img,
      int q0,
      int rows,
      int stride,
      float[] s,
      ConvGeometry g,
      Shape sh,
      int[] map) {
    int ih = g.inH();
    int iw = g.inW();
    int sH = lay.sH();
    int sW = lay.sW();
    int padT = g.padTop();
    int padL = g.padLeft();
    int rowLen = sh.pw * BLOCK_C;
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
        for (int cb = 0; cb < icb; cb++) {
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
          int x0 = (img * lay.inC() + cb * BLOCK_C) * ih * iw;
          kern.blockPositions(x, x0 + r0 * iw, ih * iw, BLOCK_C - 1, s, base, map, 0, count);
        }
        return;
      }
    }
    // Row by row, every phase of an input row right after another, while its lines are in L1.
    for (int cb = 0; cb < icb; cb++) {
      int x0 = (img * lay.inC() + cb * BLOCK_C) * ih * iw;
      for (int q = 0; q < rows; q++) {
        for (int a = 0; a < sH; a++) {
          int row = (q0 + q) * sH + a - padT;
          if (row >= 0 && row < ih && sh.allColumns[a]) {
            wholeRow(
                x,
                x0 + row * iw,
                ih * iw,
                s,
                (cb * sh.used * stride + q) * rowLen,
                a,
                stride,
                sh,
                map);
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
   * at a time by in-register transposes, each to its phase's position ({@code map}; columns outside
   * a phase's range go to the discarded slot past the band).
   */
  private void wholeRow(
      float[] x,
      int src,
      int planeStride,
      float[] s,
      int base,
      int a,
      int stride,
      Shape sh,
      int[] map) {
    int sW = lay.sW();
    int rowLen = sh.pw * BLOCK_C;
    int padL = sh.padLeft;
    int c0 = Integer.MAX_VALUE;
    int c1 = Integer.MIN_VALUE;
    for (int b = 0; b < sW; b++) {
      int d = base + sh.slot[a * sW + b] * stride * rowLen;
      int lo = sh.lo[b];
      int hi = sh.hi[b];
      Arrays.fill(s, d, d + lo * BLOCK_C, 0f);
      Arrays.fill(s, d + hi * BLOCK_C, d + rowLen, 0f);
      if (hi > lo) {
        c0 = Math.min(c0, lo * sW + b - padL);
        c1 = Math.max(c1, (hi - 1) * sW + b - padL + 1);
      }
    }
    if (c1 <= c0) {
      return;
    }
    int discard = (int) sh.size;
    for (int col = c0; col < c1; col++) {
      int b = (col + padL) % sW;
      int r = (col + padL) / sW;
      map[col - c0] =
          r >= sh.lo[b] && r < sh.hi[b]
              ? base + sh.slot[a * sW + b] * stride * rowLen + r * BLOCK_C
              : discard;
    }
    int count = c1 - c0;
    if (count < BLOCK_C && src + c0 + (BLOCK_C - 1) * planeStride + BLOCK_C <= x.length) {
      // A row narrower than 16 columns (7×7 maps): one 16×16 transpose reading on into the next
      // row, its extra columns discarded, instead of 16 scalar copies per column.
      Arrays.fill(map, count, BLOCK_C, discard);
      count = BLOCK_C;
    }
    kern.blockPositions(x, src + c0, planeStride, BLOCK_C - 1, s, 0, map, 0, count);
  }

  /** Drops the pooled scratch buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
  }
}
