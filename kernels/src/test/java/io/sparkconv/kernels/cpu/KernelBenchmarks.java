package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvShapes;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import io.sparkconv.kernels.spec.Size2;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the CPU kernels, one thread: the GEMM register tile on packed operands
 * and read in place through tap offsets, the blocked convolution's tile, depthwise rows, and whole
 * single-image layers for the parts around the tiles (source fill with halo and stride-phase split,
 * ConvTranspose2d phases). {@code kernels=vector|scalar} picks the implementation. How to run:
 * kernels/BENCHMARKS.md.
 *
 * <p>Per-invocation time; FLOPs per invocation are in each method's comment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KernelBenchmarks {
  @Param({"vector", "scalar"})
  public String kernels;

  @Param({"256"})
  public int kc;

  private CpuKernels k;
  private float[] a;
  private float[] b;
  private float[] c;
  private float[] edge;
  private int[] offs;
  private float[] plane;
  private float[] rows;
  private int[] taps;
  private float[] w9;
  private float[] groupPlanes;
  private int[] groupTaps;
  private float[] groupW;
  private float[] groupY;
  private float[] wsrc;
  private int[] off43;
  private int[] off23;
  private float[] wv;
  private float[] wm;
  private float[] wout;
  private float[] blockedX;
  private int[] blockedTaps;
  private float[] blockedW;
  private float[] blockedT;

  private OffsetGemmConv stem;
  private float[] stemX;
  private float[] stemY;
  private ConvGeometry stemG;
  private OffsetGemmConv up;
  private float[] upX;
  private float[] upY;
  private ConvGeometry upG;

  @Setup(Level.Trial)
  public void setup() {
    k = kernels.equals("vector") ? CpuKernelsProvider.vector() : CpuKernelsProvider.scalar();
    Random r = new Random(1);
    a = random(r, kc * k.mr());
    b = random(r, kc * k.nr() + 64 * 64);
    c = new float[k.mr() * k.nr()];
    edge = new float[1024];
    offs = new int[kc];
    for (int i = 0; i < kc; i++) {
      offs[i] = (i % 64) * 64; // 64 rows of a 64-wide plane, revisited: L1-resident like a panel
    }
    plane = random(r, 58 * 58 + 64);
    rows = new float[56 * 56];
    taps = new int[9];
    for (int i = 0; i < 9; i++) {
      taps[i] = i / 3 * 58 + i % 3;
    }
    w9 = random(r, 9);
    // ResNeXt's group: 4 padded 58×58 planes, 4 output channels.
    groupPlanes = random(r, 4 * 58 * 58 + 64);
    groupTaps = new int[36];
    for (int i = 0; i < 36; i++) {
      groupTaps[i] = i / 9 * 58 * 58 + i % 9 / 3 * 58 + i % 3;
    }
    groupW = random(r, 36 * CpuKernels.GROUP_OUT);
    groupY = new float[4 * 56 * 56];
    // Winograd transforms of one panel (NR tiles), patches read in place from 16 or 4 sub-planes.
    wsrc = random(r, 16 * 1024 + 64);
    off43 = new int[36];
    for (int e = 0; e < 36; e++) {
      off43[e] = ((e / 6 % 4) * 4 + e % 6 % 4) * 1024 + (e / 6 / 4) * 40 + e % 6 / 4;
    }
    off23 = new int[16];
    for (int e = 0; e < 16; e++) {
      off23[e] = ((e / 4 % 2) * 2 + e % 4 % 2) * 1024 + (e / 4 / 2) * 40 + e % 4 / 2;
    }
    wv = new float[36 * 1040];
    wm = random(r, 36 * 1040);
    wout = new float[16 * 64];
    // Blocked tile: 16 taps of 16 channels (K = 256, as kc), inputs of 4 channel blocks × 4 rows.
    blockedX = random(r, 4 * 4 * 40 * CpuKernels.BLOCK_C);
    blockedTaps = new int[16];
    for (int i = 0; i < 16; i++) {
      blockedTaps[i] = ((i % 4) * 4 + i / 4) * 40 * CpuKernels.BLOCK_C;
    }
    blockedW = random(r, 16 * CpuKernels.BLOCK_C * 32);
    blockedT = new float[CpuKernels.BLOCK_MAX_WIDTH * 32];

    ConvSpec s =
        ConvSpec.conv2d(3, 64, Size2.of(7)).stride(Size2.of(2)).padding(Padding.of(3)).build();
    stemG = ConvShapes.geometry(s, new int[] {1, 3, 224, 224});
    stem = new OffsetGemmConv(k, ConvLayout.of(s, 1), random(r, 64 * 3 * 49), null, 1);
    stemX = random(r, 3 * 224 * 224);
    stemY = new float[64 * 112 * 112];
    ConvSpec t =
        ConvSpec.convTranspose2d(128, 64, Size2.of(4))
            .stride(Size2.of(2))
            .padding(Padding.of(1))
            .build();
    upG = ConvShapes.geometry(t, new int[] {1, 128, 32, 32});
    up = new OffsetGemmConv(k, ConvLayout.of(t, 1), random(r, 128 * 64 * 16), null, 1);
    upX = random(r, 128 * 32 * 32);
    upY = new float[64 * 64 * 64];
  }

  private static float[] random(Random r, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = r.nextFloat() - 0.5f;
    }
    return f;
  }

  /** 2·MR·NR·kc FLOPs (8·32·256·2 = 131,072 with the Vector API kernels). */
  @Benchmark
  public float[] gemmTilePacked() {
    k.gemmTile(a, 0, b, 0, kc, null, 0, false, c, 0, k.nr(), k.mr(), k.nr(), edge);
    return c;
  }

  /** Same FLOPs as {@link #gemmTilePacked}, operand rows read in place through offsets. */
  @Benchmark
  public float[] gemmTileShift() {
    k.gemmTileShift(a, 0, b, 0, offs, 0, kc, null, 0, k.mr(), false, c, 0, k.nr(), 0);
    return c;
  }

  /**
   * One blocked tile: 14 outputs × 32 output channels over K = 256 (16 taps of 16 channels),
   * 2·14·32·256 = 229,376 FLOPs.
   */
  @Benchmark
  public float[] blockedTile() {
    k.blockedTile(
        blockedX,
        0,
        blockedTaps,
        blockedW,
        0,
        null,
        0,
        CpuKernels.BLOCK_MAX_WIDTH,
        blockedT,
        0,
        blockedT.length / CpuKernels.BLOCK_MAX_WIDTH);
    return blockedT;
  }

  /** F(4×4, 3×3) input transform of one panel: NR tiles' 6×6 patches to V (36 rows of NR). */
  @Benchmark
  public float[] winograd43Input() {
    k.winograd43Input(wsrc, 0, off43, wv, 0, 1040);
    return wv;
  }

  /** F(4×4, 3×3) output transform of one channel of a panel: 36 rows of M to 4×4 outputs. */
  @Benchmark
  public float[] winograd43Output() {
    k.winograd43Output(wm, 0, 1040, 0.5f, wout, 0);
    return wout;
  }

  /** F(2×2, 3×3) input transform of one panel (16 rows), for comparison per output: 4× fewer. */
  @Benchmark
  public float[] winograd23Input() {
    k.winogradInput(wsrc, 0, off23, wv, 0, 1040);
    return wv;
  }

  /** Depthwise 3×3 over one 56×56 plane: 56,448 FLOPs. */
  @Benchmark
  public float[] depthwisePlane() {
    k.depthwiseRows(plane, 0, 58, taps, w9, 0, 0f, rows, 0, 56, 56, 56);
    return rows;
  }

  /** Grouped 3×3, 4 → 4 channels (one ResNeXt group) over 56×56: 903,168 FLOPs. */
  @Benchmark
  public float[] groupRows() {
    k.groupRows(
        groupPlanes, 0, 58, groupTaps, groupW, 0, null, 0, 4, groupY, 0, 56 * 56, 56, 56, 56);
    return groupY;
  }

  /** 3→64 7×7 stride 2 at 224² (phase-split source + implicit GEMM): 236 MFLOP. */
  @Benchmark
  public float[] stemLayer() {
    stem.run(stemX, stemY, stemG);
    return stemY;
  }

  /** ConvTranspose2d 128→64 4×4 stride 2 at 32² (four phases): 268 MFLOP. */
  @Benchmark
  public float[] upconvLayer() {
    up.run(upX, upY, upG);
    return upY;
  }
}
