package io.sparkconv.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparkconv.kernels.backend.BackendChoice;
import io.sparkconv.kernels.backend.BackendSelector;
import io.sparkconv.kernels.backend.ConvBackend;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.backend.ReferenceBackend;
import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvShapes;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernels below the plan (output buffers pre-filled with NaN, so an element a kernel forgets to
 * write shows), the module probe in a JVM without the Vector API, and the selector's choice.
 */
class KernelInternalsTest {

  private static List<CpuKernels> kernels() {
    return CpuKernelsProvider.vectorAvailable()
        ? List.of(CpuKernelsProvider.vector(), CpuKernelsProvider.scalar())
        : List.of(CpuKernelsProvider.scalar());
  }

  /** Runs a float32 layer straight on the kernel classes with a NaN-filled output. */
  private static void checkAgainstReference(ConvSpec spec, int[] in, long seed) {
    Random rnd = new Random(seed);
    Tensor w = CpuConvBackendTest.fill(DType.FLOAT32, spec.weightShape(), rnd, true);
    Tensor b =
        spec.bias() ? CpuConvBackendTest.fill(DType.FLOAT32, spec.biasShape(), rnd, true) : null;
    Tensor x = CpuConvBackendTest.fill(DType.FLOAT32, in, rnd, true);
    ConvGeometry g = ConvShapes.geometry(spec, in);
    float[] want = new ReferenceBackend().plan(spec, w, b, 1).run(x, g).floats();
    ConvLayout lay = ConvLayout.of(spec, 1);
    for (CpuKernels k : kernels()) {
      for (int threads : new int[] {1, 2}) {
        float[] y = new float[want.length];
        Arrays.fill(y, Float.NaN);
        float[] bias = b == null ? null : b.floats();
        if (BlockedDepthwise.applies(lay, k)) {
          BlockedDepthwise bd = new BlockedDepthwise(k, lay, w.floats(), bias, threads);
          bd.run(x.floats(), y, g);
          // Twice on one plan: the second run reuses the planes with their zeroed halo.
          float[] y2 = new float[want.length];
          Arrays.fill(y2, Float.NaN);
          bd.run(x.floats(), y2, g);
          assertArrayExact(want, y2, k, spec, g, seed, "blocked depthwise, second run");
          Arrays.fill(y2, Float.NaN);
          new DepthwiseConv(k, lay, w.floats(), bias, threads).run(x.floats(), y2, g);
          assertArrayExact(want, y2, k, spec, g, seed, "planar depthwise");
        } else if (DepthwiseConv.applies(lay)) {
          new DepthwiseConv(k, lay, w.floats(), bias, threads).run(x.floats(), y, g);
        } else {
          new OffsetGemmConv(k, lay, w.floats(), bias, threads).run(x.floats(), y, g);
        }
        // Twice on one plan: the second run reuses (dirty) scratch and source buffers.
        OffsetGemmConv again =
            DepthwiseConv.applies(lay)
                ? null
                : new OffsetGemmConv(k, lay, w.floats(), bias, threads);
        if (again != null) {
          float[] y2 = new float[want.length];
          again.run(x.floats(), y2, g);
          Arrays.fill(y2, Float.NaN);
          again.run(x.floats(), y2, g);
          assertArrayExact(want, y2, k, spec, g, seed, "second run");
        }
        assertArrayExact(want, y, k, spec, g, seed, "threads=" + threads);
      }
    }
  }

  private static void assertArrayExact(
      float[] want,
      float[] got,
      CpuKernels k,
      ConvSpec spec,
      ConvGeometry g,
      long seed,
      String what) {
    int[] os = g.outputShape();
    for (int i = 0; i < want.length; i++) {
      if (Float.compare(want[i], got[i]) != 0) {
        fail(
            String.format(
                "%s %s seed=%d at (n=%d, c=%d, h=%d, w=%d): want %s got %s%nspec %s%ngeometry %s",
                k.description(),
                what,
                seed,
                i / os[3] / os[2] / os[1],
                i / os[3] / os[2] % os[1],
                i / os[3] % os[2],
                i % os[3],
                want[i],
                got[i],
                spec,
                g));
      }
    }
  }

  @Test
  void fmaProbeRunsEveryRoundOnEveryLane() {
    // 16 accumulators c_i ← fma(c_i, 0.999, 0.001) from c_i = i: the vector lanes follow the scalar
    // chains exactly (fused either way), so the vector sum is lanes × the scalar one (up to the
    // order of the lane reduction).
    double scalar = CpuKernelsProvider.scalar().fmaRounds(1000);
    double c = 0;
    for (int i = 0; i < 16; i++) {
      float v = i;
      for (int r = 0; r < 1000; r++) {
        v = Math.fma(v, 0.999f, 1e-3f);
      }
      c += v;
    }
    assertEquals(c, scalar, 0.0);
    assertTrue(Math.abs(scalar - 120) > 1, "the chains moved: " + scalar);
    for (CpuKernels k : kernels()) {
      assertEquals(
          k.lanes() * scalar, k.fmaRounds(1000), 1e-6 * k.lanes() * scalar, k.description());
    }
    double peak = FmaPeak.gflops(1);
    assertTrue(peak > 0 && Double.isFinite(peak), "peak " + peak);
  }

  @Test
  void everyOutputElementIsWritten() {
    checkAgainstReference(
        ConvSpec.conv2d(7, 9, Size2.of(3)).padding(Padding.of(1)).build(),
        new int[] {2, 7, 9, 35},
        1);
    checkAgainstReference(
        ConvSpec.conv2d(33, 17, Size2.of(1)).build(), new int[] {1, 33, 5, 13}, 2);
    checkAgainstReference(
        ConvSpec.conv2d(3, 8, Size2.of(7)).stride(Size2.of(2)).padding(Padding.of(3)).build(),
        new int[] {1, 3, 23, 30},
        3);
    checkAgainstReference(
        ConvSpec.conv2d(6, 6, Size2.of(3)).groups(6).padding(Padding.of(1)).build(),
        new int[] {2, 6, 11, 37},
        4);
    checkAgainstReference(
        ConvSpec.conv2d(20, 20, Size2.of(5))
            .groups(20)
            .stride(Size2.of(2))
            .padding(Padding.of(2))
            .build(),
        new int[] {2, 20, 15, 30},
        5);
    checkAgainstReference(
        ConvSpec.conv2d(16, 16, Size2.of(3)).groups(16).padding(Padding.of(1)).build(),
        new int[] {1, 16, 3, 4},
        6);
    checkAgainstReference(
        ConvSpec.convTranspose2d(10, 9, Size2.of(4))
            .stride(Size2.of(2))
            .padding(Padding.of(1))
            .build(),
        new int[] {1, 10, 7, 9},
        5);
    checkAgainstReference(
        ConvSpec.convTranspose2d(3, 4, Size2.of(1)).stride(Size2.of(3)).build(),
        new int[] {1, 3, 4, 5},
        6);
    checkAgainstReference(
        ConvSpec.conv2d(5, 5, Size2.of(3))
            .groups(5)
            .stride(Size2.of(2))
            .padding(Padding.of(1))
            .build(),
        new int[] {2, 5, 12, 69},
        7);
  }

  @Test
  void blockedTileMatchesTheScalarTileAtEveryWidth() {
    if (!CpuKernelsProvider.vectorAvailable() || CpuKernelsProvider.vector().blockedOc() == 0) {
      System.out.println("blockedTileMatchesTheScalarTileAtEveryWidth: skipped, no blocked tile");
      return;
    }
    CpuKernels v = CpuKernelsProvider.vector();
    CpuKernels s = CpuKernelsProvider.scalar();
    int oc = v.blockedOc();
    Random rnd = new Random(7);
    int[] taps = {0, 5 * CpuKernels.BLOCK_C, 40 * CpuKernels.BLOCK_C};
    float[] x = new float[64 * CpuKernels.BLOCK_C + 3];
    float[] w = new float[taps.length * CpuKernels.BLOCK_C * oc + 2];
    float[] bias = new float[oc + 1];
    for (float[] a : new float[][] {x, w, bias}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = rnd.nextInt(9) - 4; // integers: both sums exact
      }
    }
    // ld = oc: positions side by side; 2·oc + 3: interleaved with another tile's, whose slots
    // (NaN here) stay untouched.
    for (int ld : new int[] {oc, 2 * oc + 3}) {
      for (int width = CpuKernels.BLOCK_MIN_WIDTH; width <= CpuKernels.BLOCK_MAX_WIDTH; width++) {
        for (float[] b : new float[][] {null, bias}) {
          float[] tv = new float[5 + CpuKernels.BLOCK_MAX_WIDTH * ld];
          float[] ts = new float[5 + CpuKernels.BLOCK_MAX_WIDTH * ld];
          Arrays.fill(tv, Float.NaN);
          Arrays.fill(ts, Float.NaN);
          v.blockedTile(x, 3, taps, w, 2, b, 1, width, tv, 5, ld);
          s.blockedTile(x, 3, taps, w, 2, b, 1, width, ts, 5, ld);
          assertEquals(Arrays.toString(ts), Arrays.toString(tv), "width " + width + ", ld " + ld);
          float last = 0;
          for (int o = 0; o < oc; o++) {
            last = Math.max(last, Math.abs(ts[5 + (width - 1) * ld + o]));
          }
          assertTrue(last > 0, "the last position was computed");
          for (int i = 0; i < tv.length; i++) {
            int rel = i - 5;
            boolean written = rel >= 0 && rel / ld < width && rel % ld < oc;
            assertEquals(written, !Float.isNaN(tv[i]), "slot " + i + " written: " + written);
          }
        }
      }
    }
  }

  /**
   * The two-row tile of 7-wide maps against two scalar tiles: second row read {@code rowOff} on and
   * written {@code tRow} on, nothing else written.
   */
  @Test
  void blockedPairTileMatchesTwoScalarTiles() {
    if (!CpuKernelsProvider.vectorAvailable() || CpuKernelsProvider.vector().blockedOc() == 0) {
      System.out.println("blockedPairTileMatchesTwoScalarTiles: skipped, no blocked tile");
      return;
    }
    CpuKernels v = CpuKernelsProvider.vector();
    CpuKernels s = CpuKernelsProvider.scalar();
    int oc = v.blockedOc();
    Random rnd = new Random(11);
    int[] taps = {0, 9 * CpuKernels.BLOCK_C, 18 * CpuKernels.BLOCK_C};
    float[] x = new float[80 * CpuKernels.BLOCK_C];
    float[] w = new float[taps.length * CpuKernels.BLOCK_C * oc];
    float[] bias = new float[oc];
    for (float[] a : new float[][] {x, w, bias}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = rnd.nextInt(9) - 4; // integers: both sums exact
      }
    }
    int rowOff = 9 * CpuKernels.BLOCK_C + 5;
    int ld = oc + 3;
    int tRow = 8 * ld;
    float[] tv = new float[2 + tRow + 8 * ld];
    float[] ts = new float[tv.length];
    Arrays.fill(tv, Float.NaN);
    Arrays.fill(ts, Float.NaN);
    v.blockedPairTile(x, 2, rowOff, taps, w, 0, bias, 0, tv, 2, tRow, ld);
    s.blockedTile(x, 2, taps, w, 0, bias, 0, CpuKernels.BLOCK_MIN_WIDTH, ts, 2, ld);
    s.blockedTile(x, 2 + rowOff, taps, w, 0, bias, 0, CpuKernels.BLOCK_MIN_WIDTH, ts, 2 + tRow, ld);
    assertEquals(Arrays.toString(ts), Arrays.toString(tv));
  }

  /**
   * The vector {@code groupRows} (four rows × four channels per step, last row block and vector
   * moved back) against the scalar loop, with exact integer sums: every row, column and channel up
   * to {@code nOut} written, nothing else.
   */
  @Test
  void groupRowsMatchesTheScalarLoopAndWritesOnlyItsRows() {
    if (!CpuKernelsProvider.vectorAvailable()) {
      System.out.println(
          "groupRowsMatchesTheScalarLoopAndWritesOnlyItsRows: skipped, no Vector API");
      return;
    }
    CpuKernels v = CpuKernelsProvider.vector();
    CpuKernels s = CpuKernelsProvider.scalar();
    Random rnd = new Random(11);
    int pitch = 70;
    int plane = 12 * pitch;
    // Two channels of a 3×2 kernel: taps of channel 1 one plane further.
    int[] base = {0, 1, pitch, pitch + 1, 2 * pitch, 2 * pitch + 1};
    int[] taps = new int[2 * base.length];
    for (int k = 0; k < taps.length; k++) {
      taps[k] = base[k % base.length] + (k / base.length) * plane;
    }
    float[] x = new float[2 * plane + 7];
    float[] w = new float[taps.length * CpuKernels.GROUP_OUT + 3];
    float[] bias = new float[CpuKernels.GROUP_OUT + 2];
    for (float[] a : new float[][] {x, w, bias}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = rnd.nextInt(9) - 4;
      }
    }
    for (int nOut = 1; nOut <= CpuKernels.GROUP_OUT; nOut++) {
      for (int rows : new int[] {4, 5, 9}) {
        for (int count : new int[] {16, 17, 40, 64}) {
          for (float[] b : new float[][] {null, bias}) {
            int ldy = rows * 66 + 5;
            float[] yv = new float[3 + 4 * ldy];
            float[] ys = new float[3 + 4 * ldy];
            Arrays.fill(yv, Float.NaN);
            Arrays.fill(ys, Float.NaN);
            v.groupRows(x, 7, pitch, taps, w, 3, b, 2, nOut, yv, 3, ldy, 66, rows, count);
            s.groupRows(x, 7, pitch, taps, w, 3, b, 2, nOut, ys, 3, ldy, 66, rows, count);
            String at = "nOut " + nOut + " rows " + rows + " count " + count;
            assertEquals(Arrays.toString(ys), Arrays.toString(yv), at);
            for (int i = 0; i < ys.length; i++) {
              int o = (i - 3) / ldy;
              int r = (i - 3) % ldy / 66;
              int j = (i - 3) % ldy % 66;
              boolean written = i >= 3 && o < nOut && r < rows && j < count;
              assertEquals(written, !Float.isNaN(ys[i]), at + " element " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void unblockRowsWritesEveryChannelRowAndNothingElse() {
    for (CpuKernels k : kernels()) {
      for (int count : new int[] {1, 7, 15, 16, 17, 28, 33, 56}) {
        int oc = 32;
        float[] t = new float[count * oc];
        for (int i = 0; i < t.length; i++) {
          t[i] = i;
        }
        int ldy = count + 3;
        float[] y = new float[2 + oc * ldy];
        Arrays.fill(y, Float.NaN);
        k.unblockRows(t, oc, y, 2, ldy, count);
        for (int o = 0; o < oc; o++) {
          for (int i = 0; i < ldy; i++) {
            float want = i < count ? i * oc + o : Float.NaN;
            assertEquals(want, y[2 + o * ldy + i], k.description() + " count " + count);
          }
        }
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]));
      }
    }
  }

  @Test
  void blockPositionsPutsSixteenChannelsWhereTheMapSays() {
    int c = CpuKernels.BLOCK_C;
    for (CpuKernels k : kernels()) {
      for (int count : new int[] {1, 15, 16, 17, 40, 49}) {
        for (int last : new int[] {15, 7, 0}) {
          int stride = 53;
          float[] x = new float[3 + (last + 1) * stride];
          for (int i = 0; i < x.length; i++) {
            x[i] = i;
          }
          // Positions in reverse order, one slot apart, the even ones to one discarded slot.
          int[] map = new int[2 + count];
          int discard = 2 * count * c;
          for (int j = 0; j < count; j++) {
            map[2 + j] = j % 2 == 0 ? discard : (count - 1 - j) * 2 * c;
          }
          float[] p = new float[discard + c + 1];
          Arrays.fill(p, Float.NaN);
          k.blockPositions(x, 3, stride, last, p, 0, map, 2, count);
          String at = k.description() + " count " + count + " last " + last;
          for (int j = 0; j < count; j++) {
            for (int ch = 0; ch < c; ch++) {
              int slot = (count - 1 - j) * 2 * c + ch;
              float want = j % 2 == 1 ? 3 + Math.min(ch, last) * stride + j : Float.NaN;
              assertEquals(want, p[slot], at + " j " + j + " c " + ch);
              assertTrue(Float.isNaN(p[slot + c]), at + " gap after " + j);
            }
          }
          assertTrue(Float.isNaN(p[p.length - 1]), at + " past the discarded slot");
        }
      }
    }
  }

  @Test
  void unblockPositionsWritesItsChannelRowsAndNothingElse() {
    int c = CpuKernels.BLOCK_C;
    for (CpuKernels k : kernels()) {
      for (int count : new int[] {1, 15, 16, 17, 49}) {
        for (int channels : new int[] {16, 9, 1}) {
          int ld = 32;
          float[] t = new float[5 + count * ld];
          for (int i = 0; i < t.length; i++) {
            t[i] = i;
          }
          int ldy = count + 2;
          float[] y = new float[1 + c * ldy];
          Arrays.fill(y, Float.NaN);
          k.unblockPositions(t, 5, ld, y, 1, ldy, channels, count);
          for (int ch = 0; ch < c; ch++) {
            for (int j = 0; j < ldy; j++) {
              float want = ch < channels && j < count ? 5 + j * ld + ch : Float.NaN;
              assertEquals(
                  want,
                  y[1 + ch * ldy + j],
                  k.description() + " count " + count + " channels " + channels);
            }
          }
          assertTrue(Float.isNaN(y[0]));
        }
      }
    }
  }

  @Test
  void blockRowPutsSixteenChannelsSideBySide() {
    for (CpuKernels k : kernels()) {
      int plane = 50;
      float[] x = new float[CpuKernels.BLOCK_C * plane];
      for (int i = 0; i < x.length; i++) {
        x[i] = i;
      }
      int[] planes = new int[CpuKernels.BLOCK_C];
      for (int c = 0; c < planes.length; c++) {
        planes[c] = c * plane;
      }
      for (int step : new int[] {1, 2, 3}) {
        int count = 13;
        float[] s = new float[2 + count * CpuKernels.BLOCK_C + 1];
        Arrays.fill(s, Float.NaN);
        k.blockRow(x, 4, planes, step, s, 2, count);
        for (int r = 0; r < count; r++) {
          for (int c = 0; c < CpuKernels.BLOCK_C; c++) {
            assertEquals(
                c * plane + 4 + r * step,
                s[2 + r * CpuKernels.BLOCK_C + c],
                k.description() + " step " + step + " r " + r + " c " + c);
          }
        }
        assertTrue(Float.isNaN(s[0]) && Float.isNaN(s[1]) && Float.isNaN(s[s.length - 1]));
      }
    }
  }

  @Test
  void interleave2WeavesTwoRowsAndWritesNothingPast() {
    for (CpuKernels k : kernels()) {
      for (int count : new int[] {0, 1, 7, 8, 16, 17, 40}) {
        float[] c = new float[2 * count + 3];
        for (int i = 0; i < c.length; i++) {
          c[i] = i + 1;
        }
        float[] y = new float[2 * count + 2];
        Arrays.fill(y, Float.NaN);
        k.interleave2(c, 3, 3 + count, y, 1, count);
        for (int i = 0; i < count; i++) {
          assertEquals(3 + i + 1, y[1 + 2 * i], k.description() + " even " + i);
          assertEquals(3 + count + i + 1, y[2 + 2 * i], k.description() + " odd " + i);
        }
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[2 * count + 1]), k.description());
      }
    }
  }

  @Test
  void interleave4WeavesFourRowsAndWritesNothingPast() {
    for (CpuKernels k : kernels()) {
      for (int count : new int[] {0, 1, 3, 15, 16, 17, 33, 40}) {
        int stride = count + 5;
        float[] c = new float[3 + 4 * stride];
        for (int i = 0; i < c.length; i++) {
          c[i] = i + 1;
        }
        float[] y = new float[4 * count + 2];
        Arrays.fill(y, Float.NaN);
        k.interleave4(c, 3, stride, y, 1, count);
        for (int i = 0; i < count; i++) {
          for (int b = 0; b < 4; b++) {
            assertEquals(3 + b * stride + i + 1, y[1 + 4 * i + b], k.description() + " " + i);
          }
        }
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[4 * count + 1]), k.description());
      }
    }
  }

  @Test
  void stridedCopyTakesOneColumnPhase() {
    for (CpuKernels k : kernels()) {
      for (int u : new int[] {1, 3, 5, 16, 32, 33}) {
        for (int count : new int[] {0, 1, 15, 16, 17, 40}) {
          int src = 2;
          // Ends at the last element read.
          float[] r = new float[count == 0 ? src : src + u * (count - 1) + 1];
          for (int i = 0; i < r.length; i++) {
            r[i] = i + 1;
          }
          float[] s = new float[count + 2];
          Arrays.fill(s, Float.NaN);
          k.stridedCopy(r, src, u, s, 1, count);
          for (int j = 0; j < count; j++) {
            assertEquals(src + u * j + 1, s[1 + j], k.description() + " u=" + u + " j=" + j);
          }
          assertTrue(Float.isNaN(s[0]) && Float.isNaN(s[count + 1]), k.description() + " u=" + u);
        }
      }
    }
  }

  @Test
  void deinterleave4SplitsARowIntoItsFourPhases() {
    for (CpuKernels k : kernels()) {
      for (int count : new int[] {0, 1, 15, 16, 17, 40}) {
        float[] r = new float[2 + 4 * count]; // ends at the last element read
        for (int i = 0; i < r.length; i++) {
          r[i] = i + 1;
        }
        int step = count + 2;
        float[] s = new float[1 + 4 * step];
        Arrays.fill(s, Float.NaN);
        k.deinterleave4(r, 2, s, 1, step, count);
        for (int b = 0; b < 4; b++) {
          for (int j = 0; j < count; j++) {
            assertEquals(2 + 4 * j + b + 1, s[1 + b * step + j], k.description() + " " + b);
          }
          // Nothing between one phase's end and the next phase's start.
          assertTrue(Float.isNaN(s[1 + b * step + count]), k.description() + " phase " + b);
        }
        assertTrue(Float.isNaN(s[0]), k.description());
      }
    }
  }

  @Test
  void deinterleave2SplitsARowIntoItsTwoPhases() {
    for (CpuKernels k : kernels()) {
      for (int count : new int[] {0, 1, 15, 16, 17, 40}) {
        float[] r = new float[2 + 2 * count]; // ends at the last element read
        for (int i = 0; i < r.length; i++) {
          r[i] = i + 1;
        }
        float[] s = new float[2 * count + 3];
        Arrays.fill(s, Float.NaN);
        k.deinterleave2(r, 2, s, 1, 2 + count, count);
        for (int j = 0; j < count; j++) {
          assertEquals(2 + 2 * j + 1, s[1 + j], k.description() + " even " + j);
          assertEquals(2 + 2 * j + 2, s[2 + count + j], k.description() + " odd " + j);
        }
        assertTrue(Float.isNaN(s[0]) && Float.isNaN(s[1 + count]), k.description());
      }
    }
  }

  @Test
  void selectorPicksTheVectorBackendWithAReason() {
    ConvSpec spec = ConvSpec.conv2d(3, 8, Size2.of(3)).build();
    BackendChoice c = BackendSelector.select(spec, Device.CPU);
    assertEquals(CpuConvBackend.VECTOR_NAME, c.backend().name(), c.reason());
    assertTrue(c.reason().contains("cpu-vector: float32, Vector API"), c.reason());
    List<ConvBackend> all = BackendSelector.cpuBackends();
    assertEquals(
        List.of(ReferenceBackend.NAME, CpuConvBackend.VECTOR_NAME, CpuConvBackend.SCALAR_NAME),
        all.stream().map(ConvBackend::name).toList());
  }

  /** Main of the child JVM below: prints the selector's choice and the CPU backends. */
  public static void main(String[] args) {
    ConvSpec spec = ConvSpec.conv2d(2, 3, Size2.of(3)).padding(Padding.of(1)).build();
    BackendChoice c = BackendSelector.select(spec, Device.CPU);
    Tensor w = Tensor.zeros(DType.FLOAT32, spec.weightShape());
    Arrays.fill(w.floats(), 1f);
    Tensor b = Tensor.zeros(DType.FLOAT32, spec.biasShape());
    Tensor x = Tensor.zeros(DType.FLOAT32, 1, 2, 4, 5);
    Arrays.fill(x.floats(), 1f);
    float[] y =
        c.backend().plan(spec, w, b, 2).run(x, ConvShapes.geometry(spec, x.shape())).floats();
    System.out.println("backend=" + c.backend().name());
    System.out.println("reason=" + c.reason());
    System.out.println(
        "backends=" + BackendSelector.cpuBackends().stream().map(ConvBackend::name).toList());
    System.out.println("center=" + y[1 * 5 + 1]);
  }

  @Test
  void withoutTheModuleTheScalarBackendRunsAndSaysHowToFixIt() throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                KernelInternalsTest.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("backend=cpu-scalar"), out);
    assertTrue(out.contains("add --add-modules jdk.incubator.vector"), out);
    assertTrue(out.contains("backends=[reference, cpu-scalar]"), out);
    assertTrue(out.contains("center=18.0"), out); // 2 channels × 3×3 ones
  }
}
