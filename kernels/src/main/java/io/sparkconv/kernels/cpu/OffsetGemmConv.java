package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Convolution as an implicit GEMM read straight from a re-laid-out input, with no im2col packing:
 * {@code Y[oc][p] = bias[oc] + Σ_k A[oc][k]·S[base + off[k] + p]}.
 *
 * <p>The input is copied once per run into a source buffer S: zero halos added (the padding) and,
 * for a strided Conv2d, each plane split into {@code sH·sW} stride phases (sub-plane {@code (a, b)}
 * holds rows {@code a, a+sH, ...} and columns {@code b, b+sW, ...}). In S every tap of the kernel
 * is then a constant shift of one output grid: output {@code (q, r)} at grid index {@code p = q·PW
 * + r} reads {@code S[off[k] + p]}, where the grid has the source row pitch PW and its last columns
 * are garbage (computed, never stored). A register tile is thus MR output channels × NR consecutive
 * grid positions, and the B operand of every k step is one contiguous vector load: no packing at
 * all, for any kernel size, stride, dilation or padding. A 1×1 stride-1 unpadded convolution reads
 * the input itself (no copy). Where the grid would compute many positions that are never stored
 * (halo columns of small images, stride phases), a job gathers packed panels of valid outputs
 * instead ({@link #packedJob}); jobs number their panels across the batch, so small images still
 * give each weight block a full run of panels.
 *
 * <p>ConvTranspose2d runs in gather form as {@code sH·sW} output phases: outputs {@code oh = rh +
 * q·sH, ow = rw + r·sW} form a stride-1 correlation over the input with the taps {@code kh} whose
 * {@code (rh + padH − kh·dH)} is a multiple of sH, at input offset {@code (rh + padH − kh·dH)/sH}
 * (likewise for width) — no scatter-adds, and the same per-FLOP cost as a forward convolution.
 *
 * <p>Glossary: M = outC/groups, K = (inC/groups)·taps, MR×NR register tile, (uH, uW) input split
 * (the forward stride, or 1), T/L top/left halo, PH×PW source sub-plane, Q×R valid output grid of a
 * phase.
 */
final class OffsetGemmConv {
  /**
   * K steps per register-tile pass: the tile's input rows (KC vectors, from KC different channel
   * planes whose addresses can alias in L1) and weights stay cached across the MR blocks.
   */
  static final int KC_DEFAULT = Integer.getInteger("sparkconv.cpu.kc", 256);

  /** Whether tiles touch the next panel's input lines ({@code -Dsparkconv.cpu.prefetch=false}). */
  static final boolean PREFETCH =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.prefetch", "true"));

  /**
   * Whether tiles of a 1×1 layer read in place take their K block from a copy of the run's panels
   * ({@link #packRun}; {@code -Dsparkconv.cpu.packRuns=false} reads the planes in the tiles).
   */
  static final boolean PACK_RUNS =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.packRuns", "true"));

  /**
   * Whether a packed run whose loops take panels outermost packs each panel in the tile of its
   * first row block ({@link CpuKernels#gemmTileShiftPack}: in-place loads also stored) instead of a
   * copy of the whole run before its tiles ({@code -Dsparkconv.cpu.fusedPack=false}): the copy
   * waited on memory for every line of the run with no FMAs to hide behind (a quarter of a 256→64
   * 1×1 layer's time on one thread); fused, the loads overlap the tile's FMAs and the next panel's
   * touches, and the packed panel is 32 KB that stays in L1/L2 instead of the run's 256 KB.
   * pointwise (256→64 at 56²) 1T 68 → 73, 2T 125 → 137; proj512_128 1T 70 → 76.
   */
  static final boolean FUSED_PACK =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.fusedPack", "true"));

  /** The fewest row blocks of a job for which {@link #PACK_RUNS} packs. */
  static final int PACK_MIN_BLOCKS = Integer.getInteger("sparkconv.cpu.packRunsMinBlocks", 4);

  /** Weight block size (bytes) above which a job loops over row blocks outside its panels. */
  static final int ROWS_OUTER_BYTES =
      Integer.getInteger("sparkconv.cpu.rowsOuterBytes", 256 * 1024);

  /**
   * Packs input panels (only valid output positions, image after image) when fewer than this
   * fraction of the output grid's positions are valid ({@code -Dsparkconv.cpu.packBelow=0} never
   * packs).
   */
  static final double PACK_BELOW =
      Double.parseDouble(System.getProperty("sparkconv.cpu.packBelow", "0.9"));

  /**
   * The same for a 1×1 layer read in place, whose grid wastes only each image's last partial panel:
   * packing costs a gather it would not otherwise pay, so only much waste justifies it (2048→512 at
   * 7×7, 49 outputs in 64 lanes per image: 153 → 193 GFLOP/s at 2 threads; 1024→256 at 14×14, 196
   * in 224: 173 → 154, left unpacked).
   */
  static final double PACK_BELOW_DIRECT =
      Double.parseDouble(System.getProperty("sparkconv.cpu.packBelowDirect", "0.8"));

  /** Output channels per group from which packing pays (its copy is shared by M/MR tiles). */
  private static final int PACK_MIN_ROWS = 32;

  /** Benchmarking switch: always copy the input into a source buffer, even for 1×1 convs. */
  static final boolean FORCE_COPY = Boolean.getBoolean("sparkconv.cpu.forceCopy");

  /** Register-tile columns per job: enough to amortise the job, small enough to balance. */
  private static final int PANELS_PER_JOB = 8;

  private final CpuKernels kern;
  private final int mr;
  private final int nr;
  private final ConvLayout lay;
  private final int uH;
  private final int uW;
  private final Phase[] phases;
  private final int threads;

  /**
   * GEMM rows per group: outC/groups, or for merged phases (see {@link #merged}) that times the
   * phase count, row {@code p·ocg + oc} being channel oc of output phase p.
   */
  private final int mRows;

  /** Bias per GEMM row, {@code [group][mRows]} (null for none). */
  private final float[] rowBias;

  private final int mPad;

  /**
   * ConvTranspose2d whose output phases all read the same input offsets (kernel = stride, no
   * padding: the UNet 2×2 upsampling) runs as ONE GEMM with every phase's weights stacked as rows:
   * the input is read once instead of once per phase, and the stores interleave phases.
   */
  private final boolean merged;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<float[]> sources = new ConcurrentLinkedQueue<>();

  /**
   * A sub-convolution: output residue (rh, rw) and, per tap, the input row/column offset {@code e}
   * (input row = {@code q·uH + e}) and kernel index. Forward: one phase, {@code e = kh·dH} (the
   * run's padding is subtracted at run time).
   */
  private record Phase(int rh, int rw, int[] eH, int[] eW, int kLen, float[] packed) {}

  /**
   * Per-run sizes of the source buffer, and whether the GEMM reads packed panels of valid outputs
   * instead of the grid in place.
   */
  private record Source(
      int top,
      int left,
      int ph,
      int pw,
      int stride,
      boolean direct,
      boolean packed,
      boolean patch) {}

  /**
   * A sub-plane stride of at least {@code size} floats whose byte stride is an odd number of
   * 64-byte lines: the K rows a tile reads (one per channel) then start in different L1 sets. A
   * power-of-two-ish stride (a 56×56 plane is 12,544 bytes) maps them onto a few sets and every
   * tile thrashes L1.
   */
  static int spreadStride(int size) {
    int s = Ints.roundUp(size, 16);
    return (s / 16) % 2 == 0 ? s + 16 : s;
  }

  OffsetGemmConv(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    this.kern = kern;
    this.mr = kern.mr();
    this.nr = kern.nr();
    this.lay = lay;
    this.threads = Math.max(1, threads);
    this.uH = lay.transposed() ? 1 : lay.sH();
    this.uW = lay.transposed() ? 1 : lay.sW();
    int ocg = lay.outCPerGroup();
    int[][][] th = new int[lay.sH()][][];
    int[][][] tw = new int[lay.sW()][][];
    boolean same = lay.transposed() && lay.sH() * lay.sW() > 1;
    if (lay.transposed()) {
      for (int rh = 0; rh < lay.sH(); rh++) {
        th[rh] = taps(rh, lay.padH(), lay.kH(), lay.sH(), lay.dH());
        same &= th[rh][0].length > 0 && Arrays.equals(th[rh][1], th[0][1]);
      }
      for (int rw = 0; rw < lay.sW(); rw++) {
        tw[rw] = taps(rw, lay.padW(), lay.kW(), lay.sW(), lay.dW());
        same &= tw[rw][0].length > 0 && Arrays.equals(tw[rw][1], tw[0][1]);
      }
    }
    this.merged = same;
    this.mRows = merged ? ocg * lay.sH() * lay.sW() : ocg;
    this.mPad = Ints.roundUp(mRows, mr);
    if (bias == null) {
      this.rowBias = null;
    } else {
      rowBias = new float[lay.groups() * mRows];
      for (int g = 0; g < lay.groups(); g++) {
        for (int m = 0; m < mRows; m++) {
          rowBias[g * mRows + m] = bias[g * ocg + m % ocg];
        }
      }
    }
    if (merged) {
      int phaseCount = lay.sH() * lay.sW();
      int[][] tapH = new int[phaseCount][];
      int[][] tapW = new int[phaseCount][];
      for (int p = 0; p < phaseCount; p++) {
        tapH[p] = th[p / lay.sW()][0];
        tapW[p] = tw[p % lay.sW()][0];
      }
      phases = new Phase[] {phase(0, 0, tapH, tapW, th[0][1], tw[0][1], weight)};
    } else if (!lay.transposed()) {
      int[] tapH = iota(lay.kH());
      int[] tapW = iota(lay.kW());
      int[] eH = new int[lay.kH()];
      int[] eW = new int[lay.kW()];
      for (int i = 0; i < eH.length; i++) {
        eH[i] = i * lay.dH();
      }
      for (int i = 0; i < eW.length; i++) {
        eW[i] = i * lay.dW();
      }
      phases = new Phase[] {phase(0, 0, new int[][] {tapH}, new int[][] {tapW}, eH, eW, weight)};
    } else {
      phases = new Phase[lay.sH() * lay.sW()];
      for (int rh = 0; rh < lay.sH(); rh++) {
        for (int rw = 0; rw < lay.sW(); rw++) {
          phases[rh * lay.sW() + rw] =
              phase(
                  rh,
                  rw,
                  new int[][] {th[rh][0]},
                  new int[][] {tw[rw][0]},
                  th[rh][1],
                  tw[rw][1],
                  weight);
        }
      }
    }
  }

  private static int[] iota(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /** Taps of a transposed phase with output residue {@code r}, and their input offsets. */
  private static int[][] taps(int r, int pad, int k, int s, int d) {
    int count = 0;
    for (int i = 0; i < k; i++) {
      if (Math.floorMod(r + pad - i * d, s) == 0) {
        count++;
      }
    }
    int[] tap = new int[count];
    int[] off = new int[count];
    count = 0;
    for (int i = 0; i < k; i++) {
      int t = r + pad - i * d;
      if (Math.floorMod(t, s) == 0) {
        tap[count] = i;
        off[count++] = Math.floorDiv(t, s);
      }
    }
    return new int[][] {tap, off};
  }

  /**
   * Packs one phase's weights: per group and MR block, {@code [K][MR]}, rows past M zero. Rows
   * {@code [p·ocg, (p+1)·ocg)} use the taps {@code tapH[p] × tapW[p]} (one entry unless merged).
   */
  private Phase phase(int rh, int rw, int[][] tapH, int[][] tapW, int[] eH, int[] eW, float[] w) {
    int icg = lay.inCPerGroup();
    int ocg = lay.outCPerGroup();
    int nT = eH.length * eW.length;
    int kLen = icg * nT;
    int khw = lay.kH() * lay.kW();
    float[] a = new float[lay.groups() * kLen * mPad];
    for (int g = 0; g < lay.groups(); g++) {
      for (int m = 0; m < mRows; m++) {
        int oc = m % ocg;
        int[] tH = tapH[m / ocg];
        int[] tW = tapW[m / ocg];
        int blk = (g * mPad + m / mr * mr) * kLen;
        for (int k = 0; k < kLen; k++) {
          int ic = k / nT;
          int t = k % nT;
          int tap = tH[t / tW.length] * lay.kW() + tW[t % tW.length];
          int src =
              lay.transposed()
                  ? ((g * icg + ic) * ocg + oc) * khw + tap
                  : ((g * ocg + oc) * icg + ic) * khw + tap;
          a[blk + k * mr + m % mr] = w[src];
        }
      }
    }
    return new Phase(rh, rw, eH, eW, kLen, a);
  }

  private int gridRows(Phase ph, ConvGeometry g) {
    return lay.transposed() ? Ints.ceilDiv(Math.max(0, g.outH() - ph.rh), lay.sH()) : g.outH();
  }

  private int gridCols(Phase ph, ConvGeometry g) {
    return lay.transposed() ? Ints.ceilDiv(Math.max(0, g.outW() - ph.rw), lay.sW()) : g.outW();
  }

  /** How a run of this geometry reads its input, e.g. {@code "direct packed"} (for tests). */
  String inputPath(ConvGeometry g) {
    Source src = source(g);
    if (src.patch) {
      return "patches";
    }
    return (src.direct ? "direct" : "copied") + (src.packed ? " packed" : " grid");
  }

  /**
   * Whether a run is a patch embedding (ViT, ConvNeXt and Swin stems): kernel = stride, no padding
   * or dilation, so every output reads its own patch of the input. Each job then gathers its K×NR
   * panels straight from the input, splitting every patch row into its columns in L1, instead of a
   * whole-batch copy into stride phases first (one more pass over the input, and a barrier).
   */
  private boolean patches(ConvGeometry g) {
    return !FORCE_COPY
        && !lay.transposed()
        && lay.kH() == lay.sH()
        && lay.kW() == lay.sW()
        && lay.kH() * lay.kW() > 1
        && lay.dH() == 1
        && lay.dW() == 1
        && (g.padTop() | g.padBottom() | g.padLeft() | g.padRight()) == 0;
  }

  /** Halo and sub-plane sizes so that every valid output reads inside the source. */
  private Source source(ConvGeometry g) {
    if (patches(g)) {
      return new Source(0, 0, g.outH(), g.outW(), 0, false, true, true);
    }
    int padT = lay.transposed() ? 0 : g.padTop();
    int padL = lay.transposed() ? 0 : g.padLeft();
    int top = 0;
    int left = 0;
    int hNeed = g.inH();
    int wNeed = g.inW();
    boolean anyWideTap = false;
    for (Phase ph : phases) {
      int q = gridRows(ph, g);
      int r = gridCols(ph, g);
      if (ph.kLen == 0 || q == 0 || r == 0) {
        continue;
      }
      for (int e : ph.eH) {
        top = Math.max(top, padT - e);
      }
      for (int e : ph.eW) {
        left = Math.max(left, padL - e);
        anyWideTap |= e - padL != 0;
      }
    }
    for (Phase ph : phases) {
      int q = gridRows(ph, g);
      int r = gridCols(ph, g);
      if (ph.kLen == 0 || q == 0 || r == 0) {
        continue;
      }
      for (int e : ph.eH) {
        hNeed = Math.max(hNeed, (q - 1) * uH + e - padT + top + 1);
      }
      for (int e : ph.eW) {
        wNeed = Math.max(wNeed, (r - 1) * uW + e - padL + left + 1);
      }
    }
    hNeed = Math.max(hNeed, g.inH() + top);
    wNeed = Math.max(wNeed, g.inW() + left);
    boolean direct =
        !FORCE_COPY
            && uH == 1
            && uW == 1
            && top == 0
            && left == 0
            && hNeed == g.inH()
            && wNeed == g.inW()
            && !anyWideTap;
    int ph = Ints.ceilDiv(hNeed, uH);
    int pw = Ints.ceilDiv(wNeed, uW);
    // The grid computes PW columns per output row and whole panels per image; where that wastes
    // much (halos of small images, stride phases), pack panels of valid outputs only: a gather of
    // K×NR floats per panel, shared by the M/MR tiles that read it.
    long valid = 0;
    long computed = 0;
    for (Phase p : phases) {
      int q = gridRows(p, g);
      int r = gridCols(p, g);
      if (p.kLen > 0 && q > 0 && r > 0) {
        valid += (long) q * r;
        computed += (long) Ints.ceilDiv(q * pw, nr) * nr;
      }
    }
    boolean packed =
        lay.outCPerGroup() >= PACK_MIN_ROWS
            && valid < (direct ? PACK_BELOW_DIRECT : PACK_BELOW) * computed;
    return new Source(
        top, left, ph, pw, direct ? ph * pw : spreadStride(ph * pw), direct, packed, false);
  }

  /**
   * Runs the whole batch.
   *
   * @param x input {@code (n, inC, inH, inW)}
   * @param y output {@code (n, outC, outH, outW)}; every element is written
   */
  void run(float[] x, float[] y, ConvGeometry g) {
    int n = g.n();
    if (n == 0 || g.outH() == 0 || g.outW() == 0 || lay.outC() == 0) {
      return;
    }
    Source src = source(g);
    int subPlane = src.stride;
    int chanStride = uH * uW * subPlane;
    float[] s = x;
    boolean copy = !src.direct && !src.patch;
    if (copy) {
      long need = (long) n * lay.inC() * chanStride + src.pw + 2L * nr + 16;
      if (need > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("input too large for the CPU backend: " + g);
      }
      s = Pools.borrow(sources, (int) need);
      fillSource(x, s, g, src);
    }
    int padT = lay.transposed() ? 0 : g.padTop();
    int padL = lay.transposed() ? 0 : g.padLeft();
    int[][] offs = new int[phases.length][];
    int base = 0;
    for (int i = 0; i < phases.length; i++) {
      Phase ph = phases[i];
      int nT = ph.eH.length * ph.eW.length;
      int[] o = new int[ph.kLen];
      for (int k = 0; k < ph.kLen; k++) {
        int ic = k / nT;
        int t = k % nT;
        int eh = ph.eH[t / ph.eW.length] - padT + src.top;
        int ew = ph.eW[t % ph.eW.length] - padL + src.left;
        o[k] = ((ic * uH + eh % uH) * uW + ew % uW) * subPlane + (eh / uH) * src.pw + ew / uW;
      }
      offs[i] = o;
    }
    int mBlocks = mPad / mr;
    int[] partner = partners(g, src);
    int[] chunks = new int[phases.length];
    int[] spare = new int[phases.length];
    int mSplit = jobPlan(g, src, n, mBlocks, chunks, spare, partner);
    int parts = Math.min(threads, mBlocks);
    int spareJobs = 0;
    for (int i = 0; i < phases.length; i++) {
      base += chunks[i];
      spareJobs += spare[i];
    }
    int mainJobs = base * lay.groups() * mSplit;
    int jobs = mainJobs + spareJobs * lay.groups() * parts;
    float[] source = s;
    try {
      Parallel.run(
          threads,
          jobs,
          scratch,
          (job, sc) -> {
            // Main jobs: runs of panels; then the spare panels, each in `parts` row ranges.
            boolean main = job < mainJobs;
            int split = main ? mSplit : parts;
            int rest = main ? job : job - mainJobs;
            int ms = rest % split;
            rest /= split;
            int grp = rest % lay.groups();
            rest /= lay.groups();
            for (int i = 0; i < phases.length; i++) {
              int c = main ? chunks[i] : spare[i];
              if (rest < c) {
                int mb0 = (int) ((long) mBlocks * ms / split);
                int mb1 = (int) ((long) mBlocks * (ms + 1) / split);
                int inRuns = units(phases[i], g, src, n) - spare[i];
                int u0 = main ? (int) ((long) inRuns * rest / c) : inRuns + rest;
                int u1 = main ? (int) ((long) inRuns * (rest + 1) / c) : u0 + 1;
                if (src.packed) {
                  packedJob(source, offs[i], y, g, src, phases[i], grp, u0, u1, mb0, mb1, sc);
                } else {
                  int j = partner[i];
                  job(
                      source,
                      offs[i],
                      j < 0 ? null : offs[j],
                      y,
                      g,
                      src,
                      phases[i],
                      j < 0 ? null : phases[j],
                      grp,
                      u0,
                      u1,
                      mb0,
                      mb1,
                      sc);
                }
                return;
              }
              rest -= c;
            }
            throw new IllegalStateException("job " + job + " out of range");
          });
    } finally {
      if (copy) {
        sources.add(s);
      }
    }
  }

  /** Register-tile columns of one image's output grid for a phase (0 when it has no outputs). */
  private int panels(Phase ph, ConvGeometry g, Source src) {
    int q = gridRows(ph, g);
    if (q == 0 || gridCols(ph, g) == 0) {
      return 0;
    }
    return Ints.ceilDiv(q * src.pw, nr);
  }

  /**
   * Splits a run into jobs. Fills {@code chunks[i]}, the runs of panels per group of phase i, and
   * {@code spare[i]}, the panels left over after equal runs, and returns into how many
   * output-channel block ranges each run is split; each spare panel becomes min(threads, M/MR) jobs
   * of its own, one per block range, after all runs. At 1 thread: runs of at most {@link
   * #PANELS_PER_JOB} panels. With more, the job count is a multiple of the threads and every
   * thread's share equal: the run count is the first multiple of the threads (per group) from there
   * up to twice as many runs that divides the panels (98 panels: 14 runs of 7, not 13 uneven runs:
   * 7 against 6 on 2 threads); failing that, equal runs plus spare panels split by rows (13 panels
   * on 2 threads: 2 runs of 6, the 13th as two half-row jobs). The output channels of whole runs
   * are split only when there are fewer runs than threads: a split repeats the packed gather of the
   * run's panels and shortens the weight block reused across them (512 channels at 7×7, 13 panels:
   * 2 runs of all 64 blocks ran 5 % faster at 1 thread than 4 jobs of 32 blocks, and at 2 threads 2
   * runs beat 8 jobs of 16 blocks by 4–10 %).
   */
  private int jobPlan(
      ConvGeometry g, Source src, int n, int mBlocks, int[] chunks, int[] spare, int[] partner) {
    int step = threads / gcd(threads, lay.groups());
    int base = 0;
    boolean[] taken = new boolean[phases.length];
    for (int i = 0; i < phases.length; i++) {
      if (partner[i] >= 0) {
        taken[partner[i]] = true;
      }
    }
    for (int i = 0; i < phases.length; i++) {
      // A phase computed with its partner's jobs has none of its own.
      int units = taken[i] ? 0 : units(phases[i], g, src, n);
      int c = Ints.ceilDiv(units, PANELS_PER_JOB);
      spare[i] = 0;
      if (threads > 1 && units > 0) {
        int even = Ints.roundUp(c, step);
        int pick = -1;
        for (int t = even; t <= Math.min(units, 2 * c); t += step) {
          if (units % t == 0) {
            pick = t;
            break;
          }
        }
        if (pick > 0) {
          c = pick;
        } else if (even <= units) {
          c = even;
          spare[i] = mBlocks >= 2 ? units % c : 0;
        }
      }
      chunks[i] = c;
      base += c;
    }
    base *= lay.groups();
    if (base >= threads) {
      return 1;
    }
    Arrays.fill(spare, 0);
    return Math.min(mBlocks, Ints.ceilDiv(threads, Math.max(1, base)));
  }

  /**
   * For ConvTranspose2d with stride 2 in width, on the grid: {@code partner[i]} is the phase of
   * output column phase 1 computed in the same jobs as phase i (column phase 0, same row phase), so
   * that their tiles are stored as whole woven output rows instead of every other element (the
   * strided stores were a quarter of a 3×3 stride-2 layer's time); −1 for none.
   */
  private int[] partners(ConvGeometry g, Source src) {
    int[] partner = new int[phases.length];
    Arrays.fill(partner, -1);
    if (!lay.transposed() || lay.sW() != 2 || merged || src.packed || src.direct) {
      return partner;
    }
    for (int i = 0; i < phases.length; i++) {
      for (int j = 0; j < phases.length; j++) {
        Phase a = phases[i];
        Phase b = phases[j];
        if (a.rw == 0
            && b.rw == 1
            && a.rh == b.rh
            && a.kLen > 0
            && b.kLen > 0
            && gridRows(a, g) > 0
            && gridCols(b, g) > 0) {
          partner[i] = j;
        }
      }
    }
    return partner;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** Register-tile columns of the whole batch: grid panels, or packed panels of valid outputs. */
  private int units(Phase ph, ConvGeometry g, Source src, int n) {
    if (!src.packed) {
      return n * panels(ph, g, src);
    }
    return Ints.ceilDiv(n * gridRows(ph, g) * gridCols(ph, g), nr);
  }

  /**
   * Copies the input into the source layout (halos zeroed, strided inputs split into phases). Only
   * the stride phases some tap reads are written (a 1×1 stride-2 layer reads one of four); the
   * others keep stale values, which reach only grid columns that are never stored.
   */
  private void fillSource(float[] x, float[] s, ConvGeometry g, Source src) {
    int ih = g.inH();
    int iw = g.inW();
    int planes = g.n() * lay.inC();
    int subPlane = src.stride;
    boolean[] used = new boolean[uH * uW];
    int padT = lay.transposed() ? 0 : g.padTop();
    int padL = lay.transposed() ? 0 : g.padLeft();
    for (Phase ph : phases) {
      for (int eh : ph.eH) {
        for (int ew : ph.eW) {
          used[(eh - padT + src.top) % uH * uW + (ew - padL + src.left) % uW] = true;
        }
      }
    }
    // Up to 8 planes a job, fewer where that leaves under 4 jobs per thread (a stem's 3-channel
    // images: 8 images of 224² were 3 jobs for 2 threads).
    int per = Math.max(1, Math.min(8, planes / (4 * threads)));
    Parallel.run(
        threads,
        Ints.ceilDiv(planes, per),
        scratch,
        (job, sc) -> {
          float[] buf = sc.panel(uW * src.pw);
          for (int pl = job * per; pl < Math.min(planes, job * per + per); pl++) {
            int in = pl * ih * iw;
            for (int a = 0; a < uH; a++) {
              boolean any = false;
              for (int b = 0; b < uW; b++) {
                any |= used[a * uW + b];
              }
              int out = (pl * uH + a) * uW * subPlane;
              for (int i = 0; i < src.ph && any; i++) {
                int row = i * uH + a - src.top;
                int d = out + i * src.pw;
                if (row >= 0 && row < ih) {
                  splitRow(
                      kern,
                      x,
                      in + row * iw,
                      iw,
                      src.left,
                      uW,
                      buf,
                      s,
                      d,
                      subPlane,
                      src.pw,
                      used,
                      a * uW);
                  continue;
                }
                for (int b = 0; b < uW; b++) {
                  if (used[a * uW + b]) {
                    Arrays.fill(s, d + b * subPlane, d + b * subPlane + src.pw, 0f);
                  }
                }
              }
            }
          }
        });
  }

  /**
   * Splits an input row into its u column phases after a left halo: {@code s[d + b·step + j]} gets
   * padded column {@code j·u + b} ({@code x[r0 + c − left]}, 0 outside {@code [0, iw)}), {@code j <
   * pw}, for the phases b with {@code used == null || used[usedOff + b]}. Stride 1 pads straight
   * into s. Every phase used: the padded row is built in {@code buf} (at least u·pw long) and split
   * from L1 by vector, two or four phases in one pass, else one gather per phase (the ConvNeXt 4×4
   * stride-4 stem spent 26 % of its time in an element-by-element strided copy). Some phases only
   * (a 1×1 strided layer reads one of four): those copied element by element straight from the row
   * (padding the row first, or gathering from memory, made that copy 2–3× slower).
   */
  static void splitRow(
      CpuKernels kern,
      float[] x,
      int r0,
      int iw,
      int left,
      int u,
      float[] buf,
      float[] s,
      int d,
      int step,
      int pw,
      boolean[] used,
      int usedOff) {
    boolean all = true;
    for (int b = 0; b < u && used != null; b++) {
      all &= used[usedOff + b];
    }
    if (u == 1 && all) {
      padRow(x, r0, iw, left, s, d, pw);
    } else if (all && u == 2) {
      padRow(x, r0, iw, left, buf, 2 * pw);
      kern.deinterleave2(buf, 0, s, d, d + step, pw);
    } else if (all && u == 4) {
      padRow(x, r0, iw, left, buf, 4 * pw);
      kern.deinterleave4(buf, 0, s, d, step, pw);
    } else if (all) {
      padRow(x, r0, iw, left, buf, u * pw);
      for (int b = 0; b < u; b++) {
        kern.stridedCopy(buf, b, u, s, d + b * step, pw);
      }
    } else {
      for (int b = 0; b < u; b++) {
        if (!used[usedOff + b]) {
          continue;
        }
        // Phase column j reads input column j·u + first, inside [0, iw) for j in [lo, hi).
        int first = b - left;
        int lo = first >= 0 ? 0 : Math.min(pw, Ints.ceilDiv(-first, u));
        int hi = iw - 1 - first < 0 ? lo : Math.max(lo, Math.min(pw, (iw - 1 - first) / u + 1));
        int db = d + b * step;
        Arrays.fill(s, db, db + lo, 0f);
        for (int j = lo, from = r0 + first + lo * u; j < hi; j++, from += u) {
          s[db + j] = x[from];
        }
        Arrays.fill(s, db + hi, db + pw, 0f);
      }
    }
  }

  /**
   * {@code buf[c] = x[r0 + c − left]} where that column lies in {@code [0, iw)}, else 0, c < len.
   */
  static void padRow(float[] x, int r0, int iw, int left, float[] buf, int len) {
    padRow(x, r0, iw, left, buf, 0, len);
  }

  /** {@link #padRow(float[], int, int, int, float[], int)} into {@code buf[off ..]}. */
  static void padRow(float[] x, int r0, int iw, int left, float[] buf, int off, int len) {
    int lo = Math.min(len, left);
    int hi = Math.max(lo, Math.min(len, left + iw));
    Arrays.fill(buf, off, off + lo, 0f);
    if (hi > lo) {
      System.arraycopy(x, r0 + lo - left, buf, off + lo, hi - lo);
    }
    Arrays.fill(buf, off + hi, off + len, 0f);
  }

  /**
   * One run of panels {@code [u0, u1)} (unit u is panel {@code u mod panels} of image {@code u /
   * panels}) for output-channel blocks {@code [mb0, mb1)} of one group and phase, and of its
   * partner phase {@code phB} (null for none; see {@link #partners}) over the same panels.
   */
  private void job(
      float[] s,
      int[] offs,
      int[] offsB,
      float[] y,
      ConvGeometry g,
      Source src,
      Phase ph,
      Phase phB,
      int grp,
      int u0,
      int u1,
      int mb0,
      int mb1,
      Scratch sc) {
    int ocg = lay.outCPerGroup();
    int q = gridRows(ph, g);
    int r = gridCols(ph, g);
    int rB = phB == null ? 0 : gridCols(phB, g);
    int pw = src.pw;
    int grid = q * pw;
    int panels = Ints.ceilDiv(grid, nr);
    int rowLo = mb0 * mr;
    int rowHi = Math.min(mRows, mb1 * mr);
    int kLen = ph.kLen;
    int imgStride = lay.inC() * uH * uW * src.stride;
    int sGroup = grp * lay.inCPerGroup() * uH * uW * src.stride;
    int ldc = (u1 - u0) * nr;
    // The partner phase's tiles follow this phase's in c.
    int cB = mPad * ldc;
    float[] c = sc.tile(mPad * PANELS_PER_JOB * nr * (phB == null ? 1 : 2));
    int ohw = g.outH() * g.outW();
    int osH = lay.transposed() ? lay.sH() : 1;
    int osW = lay.transposed() ? lay.sW() : 1;
    // Every grid column an output (no halo columns: 1×1 layers, kernels no wider than their
    // stride) and every tile row a real channel: tiles go straight to y, no staging buffer and no
    // copy (such layers are store-bound).
    boolean toY = r == pw && osH == 1 && osW == 1 && !merged && ocg % mr == 0 && kLen > 0;
    // Reading the input in place, an image's last partial panel would pass its plane (and, for
    // the last image, the array's end), and storing to y it would pass its output plane: gather
    // it.
    boolean partialLast = (src.direct || toY) && panels * nr > grid;
    float[] out = toY ? y : c;
    int ldo = toY ? ohw : ldc;
    if (kLen == 0) {
      for (int m = rowLo; m < rowHi; m++) {
        Arrays.fill(c, m * ldc, m * ldc + ldc, rowBias == null ? 0f : rowBias[grp * mRows + m]);
      }
    }
    for (int side = 0; side < (phB == null ? 1 : 2); side++) {
      tiles(
          s,
          side == 0 ? offs : offsB,
          g,
          src,
          side == 0 ? ph : phB,
          grp,
          u0,
          u1,
          mb0,
          mb1,
          out,
          ldo,
          side * cB,
          toY,
          partialLast,
          sc);
    }
    for (int u = u0; u < u1; u++) {
      int p = u % panels;
      if (!partialLast || p != panels - 1 || kLen == 0) {
        continue;
      }
      int col0 = p * nr;
      int valid = grid - col0;
      int sBase = (u / panels) * imgStride + sGroup;
      float[] b = sc.panel(kLen * nr);
      for (int k = 0; k < kLen; k++) {
        System.arraycopy(s, sBase + offs[k] + col0, b, k * nr, valid);
        Arrays.fill(b, k * nr + valid, k * nr + nr, 0f);
      }
      for (int mb = mb0; mb < mb1; mb++) {
        kern.gemmTile(
            ph.packed,
            (grp * mPad + mb * mr) * kLen,
            b,
            0,
            kLen,
            rowBias,
            grp * mRows + mb * mr,
            false,
            out,
            toY
                ? ((u / panels) * lay.outC() + grp * ocg + mb * mr) * ohw + col0
                : mb * mr * ldc + (u - u0) * nr,
            ldo,
            Math.min(mr, mRows - mb * mr),
            toY ? valid : nr,
            sc.edge);
      }
    }
    if (toY) {
      return;
    }
    // Store the valid grid positions (columns r < R of each grid row), image by image.
    for (int u = u0; u < u1; ) {
      int img = u / panels;
      int uEnd = Math.min(u1, (img + 1) * panels);
      int yBase = (img * lay.outC() + grp * ocg) * ohw;
      int col0 = (u % panels) * nr;
      int end = Math.min(grid, ((uEnd - 1) % panels + 1) * nr);
      int cCol = (u - u0) * nr;
      int qq = col0 / pw;
      int cc = col0 - qq * pw;
      int j = 0;
      while (col0 + j < end) {
        int seg = Math.min(end - col0 - j, pw - cc);
        int valid = Math.max(0, Math.min(seg, r - cc));
        if (valid > 0 && merged) {
          storeMerged(c, ldc, cCol + j, y, g, img, grp, qq, cc, valid, rowLo, rowHi);
        } else if (valid > 0 && phB != null) {
          // Column phases 0 and 1 woven into whole output rows; phase 1 may be one shorter.
          int d = yBase + (ph.rh + qq * osH) * g.outW() + cc * osW;
          int validB = Math.max(0, Math.min(seg, rB - cc));
          for (int m = rowLo; m < rowHi; m++) {
            int from = m * ldc + cCol + j;
            kern.interleave2(c, from, from + cB, y, d + m * ohw, validB);
            if (valid > validB) {
              y[d + m * ohw + 2 * validB] = c[from + validB];
            }
          }
        } else if (valid > 0) {
          int d = yBase + (ph.rh + qq * osH) * g.outW() + ph.rw + cc * osW;
          for (int m = rowLo; m < rowHi; m++) {
            int from = m * ldc + cCol + j;
            int to = d + m * ohw;
            if (osW == 1) {
              System.arraycopy(c, from, y, to, valid);
            } else {
              for (int i = 0; i < valid; i++) {
                y[to + i * osW] = c[from + i];
              }
            }
          }
        }
        j += seg;
        qq++;
        cc = 0;
      }
      u = uEnd;
    }
  }

  /**
   * The register tiles of {@link #job} for one phase, all K blocks, into {@code out} (y, or the
   * staging tile at {@code outBase}). K blocks outermost. Few output channels: panels, then row
   * blocks: each panel's KC input rows stay in L1 across the row blocks and the whole weight block
   * (M·KC) sits in L2. Many output channels (a weight block beyond L2's share): row blocks, then
   * panels, so each MR·KC weight block stays in L1 across the job's panels instead of streaming
   * M·KC from L3 per panel. Tiles stored straight to y with more output channels than K rows (1×1
   * expansions) are bound by writing y: row blocks outermost write each output plane in runs of the
   * job's panels instead of M planes 128 bytes at a time (best of 3 rounds, 1T / 2T GFLOP/s:
   * expand64_256 66 → 75 / 133 → 142, mbv2_32_192 51 → 64 / 100 → 131).
   */
  private void tiles(
      float[] s,
      int[] offs,
      ConvGeometry g,
      Source src,
      Phase ph,
      int grp,
      int u0,
      int u1,
      int mb0,
      int mb1,
      float[] out,
      int ldo,
      int outBase,
      boolean toY,
      boolean partialLast,
      Scratch sc) {
    int ocg = lay.outCPerGroup();
    int grid = gridRows(ph, g) * src.pw;
    int panels = Ints.ceilDiv(grid, nr);
    int kLen = ph.kLen;
    // Equal K blocks of at most KC_DEFAULT (576 = 3 × 192, not 256 + 256 + 64).
    int kc = Ints.ceilDiv(kLen, Math.max(1, Ints.ceilDiv(kLen, KC_DEFAULT)));
    int imgStride = lay.inC() * uH * uW * src.stride;
    int sGroup = grp * lay.inCPerGroup() * uH * uW * src.stride;
    int ldc = (u1 - u0) * nr;
    int ohw = g.outH() * g.outW();
    boolean rowsOuter = (long) (mb1 - mb0) * mr * kc * 4 > ROWS_OUTER_BYTES || (toY && ocg > kLen);
    // With few row blocks the copy costs more than the tiles save (64→10 at 56²: 85 → 69).
    boolean pack = src.direct && PACK_RUNS && mb1 - mb0 >= PACK_MIN_BLOCKS;
    // Panels outermost, the first row block's tile of each panel reads it in place and packs it for
    // the others, into one panel's room (see FUSED_PACK); else the whole run is packed first.
    boolean fused = pack && !rowsOuter && FUSED_PACK;
    float[] b = pack ? sc.panel((fused ? 1 : u1 - u0) * kc * nr) : null;
    for (int k0 = 0; k0 < kLen; k0 += kc) {
      int kcl = Math.min(kc, kLen - k0);
      if (pack && !fused) {
        packRun(s, offs, k0, kcl, u0, u1, panels, imgStride, sGroup, partialLast, b);
      }
      int nOuter = rowsOuter ? mb1 - mb0 : u1 - u0;
      int nInner = rowsOuter ? u1 - u0 : mb1 - mb0;
      for (int o = 0; o < nOuter; o++) {
        for (int i = 0; i < nInner; i++) {
          int mb = mb0 + (rowsOuter ? o : i);
          int u = u0 + (rowsOuter ? i : o);
          int p = u % panels;
          if (partialLast && p == panels - 1) {
            continue;
          }
          int cOff =
              toY
                  ? ((u / panels) * lay.outC() + grp * ocg + mb * mr) * ohw + p * nr
                  : outBase + mb * mr * ldc + (u - u0) * nr;
          if (fused && i == 0) {
            kern.gemmTileShiftPack(
                ph.packed,
                (grp * mPad + mb * mr) * kLen + k0 * mr,
                s,
                (u / panels) * imgStride + sGroup + p * nr,
                offs,
                k0,
                kcl,
                rowBias,
                grp * mRows + mb * mr,
                Math.min(mr, mRows - mb * mr),
                k0 > 0,
                out,
                cOff,
                ldo,
                PREFETCH && (p + 2) * nr <= grid ? nr : 0,
                b,
                0,
                sc.edge);
            continue;
          }
          if (pack) {
            kern.gemmTile(
                ph.packed,
                (grp * mPad + mb * mr) * kLen + k0 * mr,
                b,
                fused ? 0 : (u - u0) * kcl * nr,
                kcl,
                rowBias,
                grp * mRows + mb * mr,
                k0 > 0,
                out,
                cOff,
                ldo,
                Math.min(mr, mRows - mb * mr),
                nr,
                sc.edge);
            continue;
          }
          boolean first = rowsOuter ? o == 0 : i == 0;
          boolean prefetchOk = first && PREFETCH && (!src.direct || (p + 2) * nr <= grid);
          kern.gemmTileShift(
              ph.packed,
              (grp * mPad + mb * mr) * kLen + k0 * mr,
              s,
              (u / panels) * imgStride + sGroup + p * nr,
              offs,
              k0,
              kcl,
              rowBias,
              grp * mRows + mb * mr,
              Math.min(mr, mRows - mb * mr),
              k0 > 0,
              out,
              cOff,
              ldo,
              prefetchOk ? nr : 0);
        }
      }
    }
  }

  /**
   * Copies K rows {@code [k0, k0 + kcl)} of the run's panels, read in place, into {@code b[(u −
   * u0)·kcl·NR + k·NR + j]}, row by row: each channel plane's stretch of the run is read end to end
   * (up to 8 panels, 1 KB), so the hardware prefetchers follow it, where the tiles would take 128
   * bytes from each of KC planes per panel. Skips an image's last partial panel (see {@link #job}).
   */
  private void packRun(
      float[] s,
      int[] offs,
      int k0,
      int kcl,
      int u0,
      int u1,
      int panels,
      int imgStride,
      int sGroup,
      boolean partialLast,
      float[] b) {
    int step = kcl * nr;
    for (int k = 0; k < kcl; k++) {
      int off = offs[k0 + k];
      for (int u = u0; u < u1; ) {
        // The run's panels of one image, short of its last panel if partial.
        int img = u / panels;
        int p = u - img * panels;
        int end = Math.min(u1, (img + 1) * panels);
        int count = end - u - (partialLast && end == (img + 1) * panels ? 1 : 0);
        if (count > 0) {
          kern.scatterPanels(
              s, img * imgStride + sGroup + p * nr + off, b, (u - u0) * step + k * nr, step, count);
        }
        u = end;
      }
    }
  }

  /**
   * {@link #job} on packed panels: unit u holds valid outputs {@code u·NR ...} of the batch,
   * counted image by image, row by row. Each K block of the run is gathered into {@code
   * [unit][k][NR]} (zeros past the batch's last output), then multiplied with the packed tile.
   */
  private void packedJob(
      float[] s,
      int[] offs,
      float[] y,
      ConvGeometry g,
      Source src,
      Phase ph,
      int grp,
      int u0,
      int u1,
      int mb0,
      int mb1,
      Scratch sc) {
    int ocg = lay.outCPerGroup();
    int r = gridCols(ph, g);
    int perImage = gridRows(ph, g) * r;
    int total = g.n() * perImage;
    int rowLo = mb0 * mr;
    int rowHi = Math.min(mRows, mb1 * mr);
    int kLen = ph.kLen;
    int kc = Ints.ceilDiv(kLen, Math.max(1, Ints.ceilDiv(kLen, KC_DEFAULT)));
    if (src.patch) {
      // Whole patch rows per K block.
      kc = Ints.roundUp(kc, lay.kW());
    }
    int imgStride = lay.inC() * uH * uW * src.stride;
    int sGroup = grp * lay.inCPerGroup() * uH * uW * src.stride;
    int ldc = (u1 - u0) * nr;
    float[] c = sc.tile(mPad * PANELS_PER_JOB * nr);
    float[] b = sc.panel((u1 - u0) * Math.min(kc, kLen) * nr);
    float[] patchRow = src.patch ? sc.plane(lay.kW() * nr) : null;
    int ohw = g.outH() * g.outW();
    int osH = lay.transposed() ? lay.sH() : 1;
    int osW = lay.transposed() ? lay.sW() : 1;
    boolean rowsOuter = (long) (mb1 - mb0) * mr * kc * 4 > ROWS_OUTER_BYTES;
    for (int k0 = 0; k0 < kLen; k0 += kc) {
      int kcl = Math.min(kc, kLen - k0);
      for (int u = u0; u < u1; u++) {
        int bu = (u - u0) * kcl * nr;
        int pos = u * nr;
        int end = Math.min(total, pos + nr);
        int j = 0;
        while (pos < end) {
          int img = pos / perImage;
          int rem = pos - img * perImage;
          int qq = rem / r;
          int cc = rem - qq * r;
          if (src.patch) {
            // One output row's run of patches, row by row of the patches.
            int len = Math.min(end - pos, r - cc);
            packPatches(s, g, img, grp, qq, cc, len, k0, kcl, b, bu + j, patchRow);
            j += len;
            pos += len;
            continue;
          }
          // Grid rows without halo columns lie end to end: one run to the image's end.
          int len = Math.min(end - pos, r == src.pw ? perImage - rem : r - cc);
          int from = img * imgStride + sGroup + qq * src.pw + cc;
          for (int k = 0; k < kcl; k++) {
            System.arraycopy(s, from + offs[k0 + k], b, bu + k * nr + j, len);
          }
          j += len;
          pos += len;
        }
        if (j < nr) {
          for (int k = 0; k < kcl; k++) {
            Arrays.fill(b, bu + k * nr + j, bu + k * nr + nr, 0f);
          }
        }
      }
      int nOuter = rowsOuter ? mb1 - mb0 : u1 - u0;
      int nInner = rowsOuter ? u1 - u0 : mb1 - mb0;
      for (int o = 0; o < nOuter; o++) {
        for (int i = 0; i < nInner; i++) {
          int mb = mb0 + (rowsOuter ? o : i);
          int u = u0 + (rowsOuter ? i : o);
          kern.gemmTile(
              ph.packed,
              (grp * mPad + mb * mr) * kLen + k0 * mr,
              b,
              (u - u0) * kcl * nr,
              kcl,
              rowBias,
              grp * mRows + mb * mr,
              k0 > 0,
              c,
              mb * mr * ldc + (u - u0) * nr,
              ldc,
              Math.min(mr, mRows - mb * mr),
              nr,
              sc.edge);
        }
      }
    }
    if (kLen == 0) {
      for (int m = rowLo; m < rowHi; m++) {
        Arrays.fill(c, m * ldc, m * ldc + ldc, rowBias == null ? 0f : rowBias[grp * mRows + m]);
      }
    }
    // Store: runs of consecutive valid outputs along an output row (a forward convolution's
    // output rows lie end to end: one run to the image's end).
    boolean plain = osH == 1 && osW == 1 && !merged;
    int pos = u0 * nr;
    int end = Math.min(total, u1 * nr);
    while (pos < end) {
      int img = pos / perImage;
      int rem = pos - img * perImage;
      int qq = rem / r;
      int cc = rem - qq * r;
      int len = Math.min(end - pos, plain ? perImage - rem : r - cc);
      int d =
          (img * lay.outC() + grp * ocg) * ohw + (ph.rh + qq * osH) * g.outW() + ph.rw + cc * osW;
      int from = pos - u0 * nr;
      if (merged) {
        storeMerged(c, ldc, from, y, g, img, grp, qq, cc, len, rowLo, rowHi);
        pos += len;
        continue;
      }
      for (int m = rowLo; m < rowHi; m++) {
        if (osW == 1) {
          System.arraycopy(c, m * ldc + from, y, d + m * ohw, len);
        } else {
          for (int i = 0; i < len; i++) {
            y[d + m * ohw + i * osW] = c[m * ldc + from + i];
          }
        }
      }
      pos += len;
    }
  }

  /**
   * Packs K rows {@code [k0, k0 + kcl)} (k0 and kcl whole patch rows) of {@code len ≤ NR}
   * consecutive patches, outputs {@code (q, cc ...)} of image img, into {@code b[d + (k − k0)·NR +
   * j]}: k = (channel, kh, kw) of the group, each patch row split into its kW columns ({@code buf}:
   * kW·NR floats).
   */
  private void packPatches(
      float[] x,
      ConvGeometry g,
      int img,
      int grp,
      int q,
      int cc,
      int len,
      int k0,
      int kcl,
      float[] b,
      int d,
      float[] buf) {
    int kh = lay.kH();
    int kw = lay.kW();
    for (int k = k0; k < k0 + kcl; k += kw) {
      int ic = k / (kh * kw);
      int row = q * kh + k / kw % kh;
      int src =
          ((img * lay.inC() + grp * lay.inCPerGroup() + ic) * g.inH() + row) * g.inW() + cc * kw;
      splitRow(kern, x, src, len * kw, 0, kw, buf, b, d + (k - k0) * nr, nr, len, null, 0);
    }
  }

  /**
   * Stores {@code len} columns of merged-phase GEMM rows {@code [rowLo, rowHi)}, starting at c
   * column {@code from}, for grid row q and columns {@code cc...} of image img: row {@code p·ocg +
   * oc} goes to output {@code (q·sH + rh, (cc + i)·sW + rw)} of channel oc, {@code p = rh·sW + rw},
   * where that lies inside the output (a phase's grid can be one shorter than phase 0's).
   */
  private void storeMerged(
      float[] c,
      int ldc,
      int from,
      float[] y,
      ConvGeometry g,
      int img,
      int grp,
      int q,
      int cc,
      int len,
      int rowLo,
      int rowHi) {
    int ocg = lay.outCPerGroup();
    int sh = lay.sH();
    int sw = lay.sW();
    int ow = g.outW();
    int ohw = g.outH() * ow;
    for (int m = rowLo; m < rowHi; m++) {
      int p = m / ocg;
      int oh = q * sh + p / sw;
      int rw = p % sw;
      if (oh >= g.outH() || (sw == 2 && rw == 1 && m - ocg >= rowLo)) {
        continue; // outside the output, or woven in with its rw = 0 partner below
      }
      int n = Math.min(len, Ints.ceilDiv(Math.max(0, ow - rw), sw) - cc);
      int d = (img * lay.outC() + grp * ocg + m % ocg) * ohw + oh * ow + cc * sw + rw;
      int f = m * ldc + from;
      int i = 0;
      if (sw == 2 && rw == 0 && m + ocg < rowHi) {
        // Phases (rh, 0) and (rh, 1) of one channel: weave full pairs with the vector kernel.
        int pairs = Math.min(n, Math.min(len, Ints.ceilDiv(Math.max(0, ow - 1), 2) - cc));
        kern.interleave2(c, f, f + ocg * ldc, y, d, Math.max(0, pairs));
        for (int j = Math.max(0, pairs); j < n; j++) {
          y[d + 2 * j] = c[f + j];
        }
        continue;
      }
      for (; i < n; i++) {
        y[d + i * sw] = c[f + i];
      }
    }
  }

  /** Drops the pooled scratch and source buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
    sources.clear();
  }
}
