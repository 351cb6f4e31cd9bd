package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * GENERATED from GemmConv.java by kernels/src/build/gen_gemmconv_double.py: the float64 twin.
 *
 * <p>Convolution as a packed, register- and cache-blocked GEMM per (image, group): {@code Y[oc][p]
 * = bias[oc] + Σ_k A[oc][k]·B[k][p]} with {@code k = (ic, tap)} and {@code p} an output position. A
 * (weights) is packed once per plan; B is packed per job straight from the input (im2col on the
 * fly, one {@code KC × NC} block at a time, a plain row copy for 1×1 and stride-1 rows), so no
 * im2col matrix is ever materialised.
 *
 * <p>ConvTranspose2d runs in gather form, split into {@code sH·sW} phases: the outputs with {@code
 * oh ≡ rh (mod sH), ow ≡ rw (mod sW)} form an ordinary stride-1 correlation over the input with the
 * sub-kernel of taps {@code kh} with {@code (rh + padH − kh·dH) ≡ 0 (mod sH)} (likewise for width).
 * Each phase is a GEMM like a forward conv; its tile is scattered into the strided output.
 *
 * <p>Loop order per job (one image, group, phase, NC columns, range of MR row blocks): K blocks of
 * KC, then NR-column panels (the packed panel, {@code KC·NR} floats, stays in L1), then MR row
 * blocks (weights streamed from L2).
 *
 * <p>Glossary: M = outC/groups rows, K reduction length, N output positions of a phase; Q×R the
 * phase's output grid; MR×NR register tile; KC×NC packed block.
 */
final class GemmConvD {
  private static final int KC = GemmConv.KC;
  private static final int NC_MAX = GemmConv.NC_MAX;

  private final CpuKernels kern;
  private final int mr;
  private final int nr;
  private final ConvLayout lay;
  private final Phase[] phases;
  private final double[] bias;
  private final int threads;
  private final int mPad;
  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();

  /**
   * One sub-convolution. Forward conv: the single phase (0, 0) with every tap and {@code off = k·d}
   * (the run's padding is subtracted when packing). Transposed: input offset per tap, exact.
   */
  private record Phase(int rh, int rw, int[] offH, int[] offW, int kLen, double[] packed) {}

  /**
   * @param weight PyTorch layout: Conv2d {@code (outC, inC/g, kH, kW)}, ConvTranspose2d {@code
   *     (inC, outC/g, kH, kW)}
   * @param bias {@code outC} values or null
   */
  GemmConvD(CpuKernels kern, ConvLayout lay, double[] weight, double[] bias, int threads) {
    this.kern = kern;
    this.mr = kern.mr();
    this.nr = kern.nrD();
    this.lay = lay;
    this.bias = bias;
    this.threads = Math.max(1, threads);
    this.mPad = GemmConv.roundUp(lay.outCPerGroup(), mr);
    if (!lay.transposed()) {
      int[] offH = new int[lay.kH()];
      int[] offW = new int[lay.kW()];
      int[] tapH = new int[lay.kH()];
      int[] tapW = new int[lay.kW()];
      for (int i = 0; i < offH.length; i++) {
        offH[i] = i * lay.dH();
        tapH[i] = i;
      }
      for (int i = 0; i < offW.length; i++) {
        offW[i] = i * lay.dW();
        tapW[i] = i;
      }
      phases = new Phase[] {phase(0, 0, tapH, tapW, offH, offW, weight)};
    } else {
      phases = new Phase[lay.sH() * lay.sW()];
      for (int rh = 0; rh < lay.sH(); rh++) {
        int[][] th = taps(rh, lay.padH(), lay.kH(), lay.sH(), lay.dH());
        for (int rw = 0; rw < lay.sW(); rw++) {
          int[][] tw = taps(rw, lay.padW(), lay.kW(), lay.sW(), lay.dW());
          phases[rh * lay.sW() + rw] = phase(rh, rw, th[0], tw[0], th[1], tw[1], weight);
        }
      }
    }
  }

  /** Taps {@code k} of a transposed phase with residue {@code r}, and their input offsets. */
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

  /** Packs the weights of one phase: per group, per KC block, per MR block, {@code [kc][MR]}. */
  private Phase phase(int rh, int rw, int[] tapH, int[] tapW, int[] offH, int[] offW, double[] w) {
    int icg = lay.inCPerGroup();
    int ocg = lay.outCPerGroup();
    int nT = tapH.length * tapW.length;
    int kLen = icg * nT;
    int khw = lay.kH() * lay.kW();
    double[] a = new double[lay.groups() * kLen * mPad];
    for (int g = 0; g < lay.groups(); g++) {
      for (int k0 = 0; k0 < kLen; k0 += KC) {
        int kcl = Math.min(KC, kLen - k0);
        int blockBase = g * kLen * mPad + k0 * mPad;
        for (int oc = 0; oc < ocg; oc++) {
          int mb = oc / mr;
          int r = oc % mr;
          for (int kk = 0; kk < kcl; kk++) {
            int k = k0 + kk;
            int ic = k / nT;
            int t = k % nT;
            int tap = tapH[t / tapW.length] * lay.kW() + tapW[t % tapW.length];
            int src =
                lay.transposed()
                    ? ((g * icg + ic) * ocg + oc) * khw + tap
                    : ((g * ocg + oc) * icg + ic) * khw + tap;
            a[blockBase + mb * mr * kcl + kk * mr + r] = w[src];
          }
        }
      }
    }
    return new Phase(rh, rw, offH, offW, kLen, a);
  }

  /**
   * Runs the whole batch.
   *
   * @param x input {@code (n, inC, inH, inW)}
   * @param y output {@code (n, outC, outH, outW)}; every element is written
   */
  void run(double[] x, double[] y, ConvGeometry g) {
    int n = g.n();
    if (n == 0 || g.outH() == 0 || g.outW() == 0 || lay.outC() == 0) {
      return;
    }
    int base = 0;
    for (Phase ph : phases) {
      base += chunks(ph, g);
    }
    base *= n * lay.groups();
    int mBlocks = mPad / mr;
    // Few big jobs (batch 1, small images): also split the output channels.
    int mSplit =
        base >= 4 * threads
            ? 1
            : Math.min(mBlocks, GemmConv.ceilDiv(4 * threads, Math.max(1, base)));
    int jobs = base * mSplit;
    Parallel.run(
        threads,
        jobs,
        scratch,
        (job, s) -> {
          int ms = job % mSplit;
          int rest = job / mSplit;
          int img = rest % n;
          rest /= n;
          int grp = rest % lay.groups();
          rest /= lay.groups();
          for (Phase ph : phases) {
            int c = chunks(ph, g);
            if (rest < c) {
              int mb0 = (int) ((long) mBlocks * ms / mSplit);
              int mb1 = (int) ((long) mBlocks * (ms + 1) / mSplit);
              job(x, y, g, ph, img, grp, rest, mb0, mb1, s);
              return;
            }
            rest -= c;
          }
          throw new IllegalStateException("job " + job + " out of range");
        });
  }

  private int rows(Phase ph, ConvGeometry g) {
    return lay.transposed() ? GemmConv.ceilDiv(Math.max(0, g.outH() - ph.rh), lay.sH()) : g.outH();
  }

  private int cols(Phase ph, ConvGeometry g) {
    return lay.transposed() ? GemmConv.ceilDiv(Math.max(0, g.outW() - ph.rw), lay.sW()) : g.outW();
  }

  private int chunkWidth(int positions) {
    return Math.min(NC_MAX, GemmConv.roundUp(Math.max(positions, 1), nr));
  }

  private int chunks(Phase ph, ConvGeometry g) {
    int positions = rows(ph, g) * cols(ph, g);
    return positions == 0 ? 0 : GemmConv.ceilDiv(positions, chunkWidth(positions));
  }

  private void job(
      double[] x,
      double[] y,
      ConvGeometry g,
      Phase ph,
      int img,
      int grp,
      int chunk,
      int mb0,
      int mb1,
      Scratch s) {
    int ocg = lay.outCPerGroup();
    int r = cols(ph, g);
    int positions = rows(ph, g) * r;
    int nc = chunkWidth(positions);
    int j0 = chunk * nc;
    int cols = Math.min(nc, positions - j0);
    int panels = GemmConv.ceilDiv(cols, nr);
    int rowLo = mb0 * mr;
    int rowHi = Math.min(ocg, mb1 * mr);
    boolean direct = !lay.transposed();
    double[] c;
    int cBase;
    int ldc;
    if (direct) {
      c = y;
      ldc = g.outH() * g.outW();
      cBase = (img * lay.outC() + grp * ocg) * ldc + j0;
    } else {
      c = s.tileD(mPad * nc);
      ldc = nc;
      cBase = 0;
    }
    int kLen = ph.kLen;
    if (kLen == 0) {
      for (int m = rowLo; m < rowHi; m++) {
        double v = bias == null ? 0.0 : bias[grp * ocg + m];
        Arrays.fill(c, cBase + m * ldc, cBase + m * ldc + cols, v);
      }
    }
    int xBase = (img * lay.inC() + grp * lay.inCPerGroup()) * g.inH() * g.inW();
    double[] b = s.panelD(Math.min(KC, Math.max(kLen, 1)) * panels * nr);
    for (int k0 = 0; k0 < kLen; k0 += KC) {
      int kcl = Math.min(KC, kLen - k0);
      pack(x, xBase, g, ph, k0, kcl, j0, cols, r, b);
      int aBlock = grp * kLen * mPad + k0 * mPad;
      for (int p = 0; p < panels; p++) {
        int pc = Math.min(nr, cols - p * nr);
        for (int mb = mb0; mb < mb1; mb++) {
          kern.gemmTileD(
              ph.packed,
              aBlock + mb * mr * kcl,
              b,
              p * kcl * nr,
              kcl,
              bias,
              grp * ocg + mb * mr,
              k0 > 0,
              c,
              cBase + mb * mr * ldc + p * nr,
              ldc,
              Math.min(mr, ocg - mb * mr),
              pc,
              s.edgeD);
        }
      }
    }
    if (!direct) {
      scatter(c, ldc, y, g, ph, img, grp, rowLo, rowHi, j0, cols, r);
    }
  }

  /**
   * Packs rows {@code k0..k0+kcl} of the implicit im2col matrix, columns {@code j0..j0+cols}, into
   * NR-wide panels {@code [kcl][NR]}. Out-of-range input reads zero.
   */
  private void pack(
      double[] x,
      int xBase,
      ConvGeometry g,
      Phase ph,
      int k0,
      int kcl,
      int j0,
      int cols,
      int r,
      double[] b) {
    int ih0 = g.inH();
    int iw0 = g.inW();
    int plane = ih0 * iw0;
    int nTW = ph.offW.length;
    int nT = ph.offH.length * nTW;
    int isH = lay.transposed() ? 1 : lay.sH();
    int isW = lay.transposed() ? 1 : lay.sW();
    int padT = lay.transposed() ? 0 : g.padTop();
    int padL = lay.transposed() ? 0 : g.padLeft();
    int panelStride = kcl * nr;
    for (int kk = 0; kk < kcl; kk++) {
      int k = k0 + kk;
      int ic = k / nT;
      int t = k - ic * nT;
      int offH = ph.offH[t / nTW] - padT;
      int offW = ph.offW[t % nTW] - padL;
      int src = xBase + ic * plane;
      int dstRow = kk * nr;
      int jj = 0;
      int q = j0 / r;
      int c0 = j0 - q * r;
      while (jj < cols) {
        int seg = Math.min(cols - jj, r - c0);
        int ih = q * isH + offH;
        if (ih < 0 || ih >= ih0) {
          fill(b, dstRow, panelStride, jj, seg);
        } else {
          int rowBase = src + ih * iw0;
          if (isW == 1) {
            int lo = Math.max(0, Math.min(seg, -offW - c0));
            int hi = Math.max(lo, Math.min(seg, iw0 - offW - c0));
            fill(b, dstRow, panelStride, jj, lo);
            copy(x, rowBase + c0 + lo + offW, b, dstRow, panelStride, jj + lo, hi - lo);
            fill(b, dstRow, panelStride, jj + hi, seg - hi);
          } else {
            int p = jj / nr;
            int lane = jj - p * nr;
            int d = p * panelStride + dstRow + lane;
            int iw = c0 * isW + offW;
            for (int i = 0; i < seg; i++, iw += isW) {
              b[d] = iw >= 0 && iw < iw0 ? x[rowBase + iw] : 0.0;
              if (++lane == nr) {
                lane = 0;
                d += panelStride - nr + 1;
              } else {
                d++;
              }
            }
          }
        }
        jj += seg;
        q++;
        c0 = 0;
      }
    }
  }

  private void copy(double[] x, int src, double[] b, int dstRow, int panelStride, int jj, int n) {
    while (n > 0) {
      int p = jj / nr;
      int lane = jj - p * nr;
      int len = Math.min(n, nr - lane);
      System.arraycopy(x, src, b, p * panelStride + dstRow + lane, len);
      src += len;
      jj += len;
      n -= len;
    }
  }

  private void fill(double[] b, int dstRow, int panelStride, int jj, int n) {
    while (n > 0) {
      int p = jj / nr;
      int lane = jj - p * nr;
      int len = Math.min(n, nr - lane);
      int d = p * panelStride + dstRow + lane;
      Arrays.fill(b, d, d + len, 0.0);
      jj += len;
      n -= len;
    }
  }

  /** Writes a transposed phase's tile rows to their strided output positions. */
  private void scatter(
      double[] c,
      int ldc,
      double[] y,
      ConvGeometry g,
      Phase ph,
      int img,
      int grp,
      int rowLo,
      int rowHi,
      int j0,
      int cols,
      int r) {
    int ohw = g.outH() * g.outW();
    int sH = lay.sH();
    int sW = lay.sW();
    for (int m = rowLo; m < rowHi; m++) {
      int yRow = (img * lay.outC() + grp * lay.outCPerGroup() + m) * ohw;
      int jj = 0;
      int q = j0 / r;
      int c0 = j0 - q * r;
      while (jj < cols) {
        int seg = Math.min(cols - jj, r - c0);
        int d = yRow + (ph.rh + q * sH) * g.outW() + ph.rw + c0 * sW;
        int cs = m * ldc + jj;
        for (int i = 0; i < seg; i++, d += sW) {
          y[d] = c[cs + i];
        }
        jj += seg;
        q++;
        c0 = 0;
      }
    }
  }
}
