package io.sparkconv.kernels.cpu;

import static io.sparkconv.kernels.cpu.CpuKernels.GROUP_OUT;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Direct Conv2d for groups with few input channels (ResNeXt's 32 groups of 4, RegNet's groups of
 * 8): the implicit GEMM would multiply a {@code outC/groups × inC/groups·kh·kw} weight block (4 ×
 * 36 for ResNeXt) per group, too small to fill its register tile, and stream every input plane once
 * per group block. Here a job copies one image's group of input planes, zero-padded and split into
 * column phases ({@link PhasePlanes}), into its scratch, then computes that group's output planes
 * four channels at a time ({@link CpuKernels#groupRows}): four rows × four channels of one vector
 * per step, each input vector feeding four FMAs.
 *
 * <p>Applies to Conv2d with more than one group and 2 to {@link #MAX_IN_PER_GROUP} input channels
 * per group (one channel per group is {@link DepthwiseConv}'s); runs whose output is narrower than
 * one vector or lower than four rows run on the implicit GEMM ({@link #fits}).
 */
final class GroupedConv {
  /**
   * Most input channels per group taken here. One thread, 3×3, GFLOP/s here vs the implicit GEMM: 4
   * per group at 56² 46–50 vs 22, 8 at 28² 63 vs 38–46, 16 at 28² 66–72 vs 51–52, 32 at 28² 73–83
   * vs 63–69; from 48 per group Winograd takes 3×3 stride-1 layers (77–82 here vs 103–146 there).
   */
  static final int MAX_IN_PER_GROUP = Integer.getInteger("sparkconv.cpu.groupedMaxChannels", 32);

  private final CpuKernels kern;
  private final ConvLayout lay;
  private final int threads;
  private final int cpg;
  private final int opg;
  private final int oblocks;
  private final int taps;

  /** {@code [group][oblock][c][tap][GROUP_OUT]}, zero for channels past the group's last. */
  private final float[] packed;

  /** Bias per output channel padded like the weights (null for none). */
  private final float[] bias;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();

  static boolean applies(ConvLayout lay, CpuKernels kern) {
    return kern.groupedWidth() > 0
        && !lay.transposed()
        && lay.groups() > 1
        && lay.inCPerGroup() > 1
        && lay.inCPerGroup() <= MAX_IN_PER_GROUP;
  }

  GroupedConv(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (!applies(lay, kern)) {
      throw new IllegalArgumentException("grouped direct convolution does not apply to " + lay);
    }
    this.kern = kern;
    this.lay = lay;
    this.threads = Math.max(1, threads);
    this.cpg = lay.inCPerGroup();
    this.opg = lay.outCPerGroup();
    this.oblocks = Ints.ceilDiv(opg, GROUP_OUT);
    this.taps = lay.kH() * lay.kW();
    int padded = oblocks * GROUP_OUT;
    packed = new float[lay.groups() * padded * cpg * taps];
    for (int grp = 0; grp < lay.groups(); grp++) {
      for (int o = 0; o < opg; o++) {
        int ob = o / GROUP_OUT;
        for (int c = 0; c < cpg; c++) {
          for (int t = 0; t < taps; t++) {
            packed[(((grp * oblocks + ob) * cpg + c) * taps + t) * GROUP_OUT + o % GROUP_OUT] =
                weight[((grp * opg + o) * cpg + c) * taps + t];
          }
        }
      }
    }
    if (bias == null) {
      this.bias = null;
    } else {
      this.bias = new float[lay.groups() * padded];
      for (int grp = 0; grp < lay.groups(); grp++) {
        System.arraycopy(bias, grp * opg, this.bias, grp * padded, opg);
      }
    }
  }

  /** Whether a run of this geometry runs here (else on the implicit GEMM). */
  boolean fits(ConvGeometry g) {
    return g.outW() >= kern.groupedWidth()
        && g.outH() >= 4
        && (long) cpg * g.sW() * PhasePlanes.paddedRows(g) * PhasePlanes.pitch(g)
            <= Integer.MAX_VALUE - 64;
  }

  /**
   * Runs the whole batch: one job per image and group.
   *
   * @param x input {@code (n, inC, inH, inW)}
   * @param y output {@code (n, outC, outH, outW)}; every element is written
   */
  void run(float[] x, float[] y, ConvGeometry g) {
    if (!fits(g)) {
      throw new IllegalArgumentException("grouped direct convolution does not fit " + g);
    }
    int jobs = g.n() * lay.groups();
    if (jobs == 0) {
      return;
    }
    int ph = PhasePlanes.paddedRows(g);
    int pitch = PhasePlanes.pitch(g);
    int phase = ph * pitch;
    int plane = g.sW() * phase;
    int ohw = g.outH() * g.outW();
    int padded = oblocks * GROUP_OUT;
    Parallel.run(
        threads,
        jobs,
        scratch,
        (job, sc) -> {
          int img = job / lay.groups();
          int grp = job % lay.groups();
          float[] p = sc.plane(cpg * plane);
          float[] row = sc.panel(g.sW() * pitch);
          for (int c = 0; c < cpg; c++) {
            int src = (img * lay.inC() + grp * cpg + c) * g.inH() * g.inW();
            PhasePlanes.fill(kern, x, src, g, ph, pitch, p, c * plane, row);
          }
          // Every channel's taps in one table: tap t of channel c at c·plane + its offset.
          int[] off = sc.taps(cpg * taps);
          PhasePlanes.taps(g, ph, pitch, off);
          for (int k = taps; k < cpg * taps; k++) {
            off[k] = off[k - taps] + plane;
          }
          for (int ob = 0; ob < oblocks; ob++) {
            int o0 = grp * opg + ob * GROUP_OUT;
            kern.groupRows(
                p,
                0,
                g.sH() * pitch,
                off,
                packed,
                (grp * oblocks + ob) * cpg * taps * GROUP_OUT,
                bias,
                grp * padded + ob * GROUP_OUT,
                Math.min(GROUP_OUT, opg - ob * GROUP_OUT),
                y,
                (img * lay.outC() + o0) * ohw,
                ohw,
                g.outW(),
                g.outH(),
                g.outW());
          }
        });
  }

  /** Drops the pooled scratch buffers (the plan stays usable; they regrow). */
  void release() {
    scratch.clear();
  }
}
