package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Conv2d 3×3, stride 1, dilation 1 by Winograd F(2×2, 3×3): each 2×2 output tile costs 16
 * multiply-adds per (input, output) channel pair instead of 36, so these layers run 2.25× fewer
 * GEMM FLOPs; the error stays within a few float32 ulps of the direct sum (the transforms only add,
 * subtract and halve).
 *
 * <p>Layout: the padded input is split into its four stride-2 phases (sub-plane {@code (a, b)}
 * holds rows {@code a, a+2, ...}, columns {@code b, b+2, ...}), so element {@code (r, c)} of the
 * 4×4 patches of consecutive tiles along a tile row is one contiguous vector; tiles are numbered on
 * a grid of the sub-plane pitch PW (columns past the last tile are garbage, as in {@link
 * OffsetGemmConv}). Per job (image, group, NR-tile panels): input transform of a K block into
 * {@code V[16][kc][NR]}, 16 GEMMs {@code M[ξ] += U[ξ]·V[ξ]} with the packed register tile, then the
 * output transform adds the bias and writes the valid 2×2 outputs.
 *
 * <p>Glossary: ξ transform element (16), U transformed weights, V transformed input tiles, M
 * products; tH×tW tiles; MR×NR register tile.
 */
final class WinogradConv {
  private static final int PANELS_PER_JOB = 4;
  private static final int KC = 128;

  private final CpuKernels kern;
  private final int mr;
  private final int nr;
  private final ConvLayout lay;
  private final float[] bias;
  private final int threads;
  private final int mPad;

  /** U[ξ][group][mb][icg][MR]. */
  private final float[] u;

  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<float[]> sources = new ConcurrentLinkedQueue<>();

  /**
   * Whether Winograd applies and pays: 3×3, stride 1, dilation 1, enough channels per group (at 32
   * input channels it only breaks even with the implicit GEMM here; at 48 it is 1.3× faster).
   */
  static boolean applies(ConvLayout lay) {
    return !lay.transposed()
        && lay.kH() == 3
        && lay.kW() == 3
        && lay.sH() == 1
        && lay.sW() == 1
        && lay.dH() == 1
        && lay.dW() == 1
        && lay.inCPerGroup() >= 48
        && lay.outCPerGroup() >= 32;
  }

  WinogradConv(CpuKernels kern, ConvLayout lay, float[] weight, float[] bias, int threads) {
    if (!applies(lay)) {
      throw new IllegalArgumentException("Winograd F(2x2,3x3) does not apply to " + lay);
    }
    this.kern = kern;
    this.mr = kern.mr();
    this.nr = kern.nr();
    this.lay = lay;
    this.bias = bias;
    this.threads = Math.max(1, threads);
    this.mPad = Ints.roundUp(lay.outCPerGroup(), mr);
    int icg = lay.inCPerGroup();
    int ocg = lay.outCPerGroup();
    int groups = lay.groups();
    u = new float[16 * groups * mPad * icg];
    double[] gg = new double[9];
    double[] t = new double[12];
    for (int g = 0; g < groups; g++) {
      for (int oc = 0; oc < ocg; oc++) {
        for (int ic = 0; ic < icg; ic++) {
          for (int i = 0; i < 9; i++) {
            gg[i] = weight[((g * ocg + oc) * icg + ic) * 9 + i];
          }
          // t = G·g (4×3), then U = t·Gᵀ (4×4); in double, rounded once.
          for (int c = 0; c < 3; c++) {
            t[c] = gg[c];
            t[3 + c] = 0.5 * (gg[c] + gg[3 + c] + gg[6 + c]);
            t[6 + c] = 0.5 * (gg[c] - gg[3 + c] + gg[6 + c]);
            t[9 + c] = gg[6 + c];
          }
          for (int r = 0; r < 4; r++) {
            double[] row = {
              t[3 * r],
              0.5 * (t[3 * r] + t[3 * r + 1] + t[3 * r + 2]),
              0.5 * (t[3 * r] - t[3 * r + 1] + t[3 * r + 2]),
              t[3 * r + 2]
            };
            for (int c = 0; c < 4; c++) {
              int xi = 4 * r + c;
              int at = ((xi * groups + g) * mPad + oc / mr * mr) * icg + ic * mr + oc % mr;
              u[at] = (float) row[c];
            }
          }
        }
      }
    }
  }

  /** Source sizes for one run: sub-planes of the padded input split into 2×2 phases. */
  private record Source(int tH, int tW, int ph, int pw, int stride) {}

  void run(float[] x, float[] y, ConvGeometry g) {
    int n = g.n();
    if (n == 0 || g.outH() == 0 || g.outW() == 0) {
      return;
    }
    int tH = Ints.ceilDiv(g.outH(), 2);
    int tW = Ints.ceilDiv(g.outW(), 2);
    Source src =
        new Source(tH, tW, tH + 1, tW + 1, OffsetGemmConv.spreadStride((tH + 1) * (tW + 1)));
    long need = (long) n * lay.inC() * 4 * src.stride + src.pw + 2L * nr + 16;
    if (need > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("input too large for the CPU backend: " + g);
    }
    float[] s = sources.poll();
    if (s == null || s.length < need) {
      s = new float[(int) need];
    }
    try {
      fillSource(x, s, g, src);
      int panels = Ints.ceilDiv(tH * src.pw, nr);
      int chunks = Ints.ceilDiv(panels, PANELS_PER_JOB);
      int jobs = n * lay.groups() * chunks;
      float[] source = s;
      int[] off = new int[16];
      for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++) {
          off[4 * r + c] = ((r % 2) * 2 + c % 2) * src.stride + (r / 2) * src.pw + c / 2;
        }
      }
      Parallel.run(
          threads,
          jobs,
          scratch,
          (job, sc) -> {
            int chunk = job % chunks;
            int rest = job / chunks;
            job(source, off, y, g, src, rest % n, rest / n, chunk, panels, sc);
          });
    } finally {
      sources.add(s);
    }
  }

  private void fillSource(float[] x, float[] s, ConvGeometry g, Source src) {
    int ih = g.inH();
    int iw = g.inW();
    int planes = g.n() * lay.inC();
    Parallel.run(
        threads,
        Ints.ceilDiv(planes, 8),
        scratch,
        (job, sc) -> {
          for (int pl = job * 8; pl < Math.min(planes, job * 8 + 8); pl++) {
            int in = pl * ih * iw;
            for (int a = 0; a < 2; a++) {
              for (int b = 0; b < 2; b++) {
                int out = (pl * 4 + a * 2 + b) * src.stride;
                for (int i = 0; i < src.ph; i++) {
                  int row = 2 * i + a - g.padTop();
                  int d = out + i * src.pw;
                  if (row < 0 || row >= ih) {
                    Arrays.fill(s, d, d + src.pw, 0f);
                    continue;
                  }
                  int r0 = in + row * iw - g.padLeft() + b;
                  for (int j = 0; j < src.pw; j++) {
                    int col = 2 * j + b - g.padLeft();
                    s[d + j] = col >= 0 && col < iw ? x[r0 + 2 * j] : 0f;
                  }
                }
              }
            }
          }
        });
  }

  private void job(
      float[] s,
      int[] off,
      float[] y,
      ConvGeometry g,
      Source src,
      int img,
      int grp,
      int chunk,
      int panels,
      Scratch sc) {
    int icg = lay.inCPerGroup();
    int ocg = lay.outCPerGroup();
    int groups = lay.groups();
    int kc = Ints.ceilDiv(icg, Ints.ceilDiv(icg, KC));
    float[] v = sc.panel(16 * kc * nr);
    float[] m = sc.tile(16 * mPad * nr + 4 * nr);
    int outTmp = 16 * mPad * nr;
    int sBase = (img * lay.inC() + grp * icg) * 4 * src.stride;
    int ohw = g.outH() * g.outW();
    int yBase = (img * lay.outC() + grp * ocg) * ohw;
    int grid = src.tH * src.pw;
    int p1 = Math.min(panels, (chunk + 1) * PANELS_PER_JOB);
    for (int p = chunk * PANELS_PER_JOB; p < p1; p++) {
      int col0 = p * nr;
      for (int k0 = 0; k0 < icg; k0 += kc) {
        int kcl = Math.min(kc, icg - k0);
        for (int ic = 0; ic < kcl; ic++) {
          kern.winogradInput(
              s, sBase + (k0 + ic) * 4 * src.stride + col0, off, v, ic * nr, kcl * nr);
        }
        for (int xi = 0; xi < 16; xi++) {
          int uBase = (xi * groups + grp) * mPad * icg;
          for (int mb = 0; mb < mPad / mr; mb++) {
            kern.gemmTile(
                u,
                uBase + mb * mr * icg + k0 * mr,
                v,
                xi * kcl * nr,
                kcl,
                null,
                0,
                k0 > 0,
                m,
                (xi * mPad + mb * mr) * nr,
                nr,
                mr,
                nr,
                sc.edge);
          }
        }
      }
      // Output transform and store of the valid outputs of each tile.
      for (int oc = 0; oc < ocg; oc++) {
        kern.winogradOutput(
            m, oc * nr, mPad * nr, bias == null ? 0f : bias[grp * ocg + oc], m, outTmp);
        int yo = yBase + oc * ohw;
        for (int j = 0; j < nr && col0 + j < grid; j++) {
          int ty = (col0 + j) / src.pw;
          int tx = (col0 + j) - ty * src.pw;
          if (tx >= src.tW) {
            continue;
          }
          int oh = 2 * ty;
          int ow = 2 * tx;
          int d = yo + oh * g.outW() + ow;
          y[d] = m[outTmp + j];
          boolean right = ow + 1 < g.outW();
          if (right) {
            y[d + 1] = m[outTmp + nr + j];
          }
          if (oh + 1 < g.outH()) {
            y[d + g.outW()] = m[outTmp + 2 * nr + j];
            if (right) {
              y[d + g.outW() + 1] = m[outTmp + 3 * nr + j];
            }
          }
        }
      }
    }
  }
}
