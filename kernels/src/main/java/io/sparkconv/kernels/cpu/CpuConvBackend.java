package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.backend.ConvBackend;
import io.sparkconv.kernels.backend.ConvPlan;
import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvKind;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * The fast CPU backend: packed, blocked GEMM convolutions (ConvTranspose2d by phase decomposition),
 * direct depthwise kernels, intra-op threads. Two instances exist: {@code cpu-vector} on the Vector
 * API kernels, {@code cpu-scalar} on plain-Java kernels with the same blocking (the fallback when
 * {@code jdk.incubator.vector} is not enabled).
 *
 * <p>Dtypes: float32 and float64 run the GEMM in their own precision (float64 never touches
 * float32); complex64 runs as one real float32 convolution with twice the channels per group,
 * {@code [yr; yi] = [[Wr, −Wi], [Wi, Wr]]·[xr; xi]}, which keeps the GEMM's efficiency (4 real
 * multiply-adds per complex one, as the definition).
 */
public final class CpuConvBackend implements ConvBackend {
  public static final String VECTOR_NAME = "cpu-vector";
  public static final String SCALAR_NAME = "cpu-scalar";

  /** Benchmarking switch: run 3×3 stride-1 layers as implicit GEMM instead of Winograd. */
  static final boolean NO_WINOGRAD = Boolean.getBoolean("sparkconv.cpu.noWinograd");

  /** Benchmarking switch: {@code -Dsparkconv.cpu.blocked=false} runs no layer on BlockedConv. */
  static final boolean BLOCKED =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.blocked", "true"));

  /** Benchmarking switch: {@code -Dsparkconv.cpu.grouped=false} runs no layer on GroupedConv. */
  static final boolean GROUPED =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.grouped", "true"));

  /**
   * Benchmarking switch: {@code -Dsparkconv.cpu.blockedDepthwise=false} runs depthwise layers on
   * the planar kernel ({@link DepthwiseConv}) only.
   */
  static final boolean BLOCKED_DEPTHWISE =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.blockedDepthwise", "true"));

  /**
   * Benchmarking switch: {@code -Dsparkconv.cpu.transposedAsForward=false} runs stride-1
   * ConvTranspose2d layers on the transposed paths instead of as the equivalent Conv2d.
   */
  static final boolean AS_FORWARD =
      Boolean.parseBoolean(System.getProperty("sparkconv.cpu.transposedAsForward", "true"));

  private final CpuKernels kernels;
  private final String name;

  private CpuConvBackend(CpuKernels kernels, String name) {
    this.kernels = kernels;
    this.name = name;
  }

  /** The Vector API backend, empty when the module is not enabled (see the provider's reason). */
  public static Optional<CpuConvBackend> vector() {
    return CpuKernelsProvider.vectorAvailable()
        ? Optional.of(new CpuConvBackend(CpuKernelsProvider.vector(), VECTOR_NAME))
        : Optional.empty();
  }

  /** The plain-Java backend; always available. */
  public static CpuConvBackend scalar() {
    return new CpuConvBackend(CpuKernelsProvider.scalar(), SCALAR_NAME);
  }

  /** What the kernels are, e.g. {@code Vector API 512-bit} or {@code scalar}. */
  public String kernelDescription() {
    return kernels.description();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Optional<String> unsupported(ConvSpec spec) {
    return Optional.empty();
  }

  @Override
  public ConvPlan plan(ConvSpec spec, Tensor weight, Tensor bias, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    check("weight", weight, spec.dtype(), spec.weightShape());
    if (spec.bias() != (bias != null)) {
      throw new IllegalArgumentException(
          "bias " + (bias == null ? "missing" : "given") + " but spec has bias=" + spec.bias());
    }
    if (bias != null) {
      check("bias", bias, spec.dtype(), spec.biasShape());
    }
    return switch (spec.dtype()) {
      case FLOAT32 -> floatPlan(spec, weight, bias, threads);
      case FLOAT64 -> doublePlan(spec, weight, bias, threads);
      case COMPLEX64 -> complexPlan(spec, weight, bias, threads);
    };
  }

  private static void check(String what, Tensor t, DType dtype, int[] shape) {
    if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(
          what
              + " must be "
              + dtype
              + " of shape "
              + Arrays.toString(shape)
              + ", got "
              + t.dtype()
              + " of shape "
              + Arrays.toString(t.shape()));
    }
  }

  private ConvPlan floatPlan(ConvSpec spec, Tensor weight, Tensor bias, int threads) {
    if (AS_FORWARD && runsAsForward(spec)) {
      return forwardPlan(spec, weight, bias, threads);
    }
    Plan general = generalFloatPlan(spec, weight, bias, threads);
    if (!DenseConv.applies(spec)) {
      return general;
    }
    // Runs whose outputs each read the whole input (a kernel covering the input, a transposed
    // convolution of a 1×1 input) as one matrix product; other runs of the layer as planned.
    float[] w = weight.floats().clone();
    float[] b = bias == null ? null : bias.floats().clone();
    Lazy<DenseConv> dense = new Lazy<>(() -> new DenseConv(kernels, spec, w, b, threads));
    return new Plan(
        spec,
        general.lay,
        1,
        (x, g, y) -> {
          if (DenseConv.fits(spec, g)) {
            dense.get().run(x.floats(), y.floats(), g.n());
          } else {
            general.runner.run(x, g, y);
          }
        },
        () -> {
          general.release.run();
          dense.ifPresent(DenseConv::release);
        });
  }

  /**
   * Whether a ConvTranspose2d is a Conv2d in disguise: with stride 1, {@code y = conv2d(x, W')}
   * where W' is W with its kernel flipped and its channel axes swapped per group, and zero padding
   * {@code dilation·(k − 1) − padding} before each axis (the output padding after). Run that way it
   * takes the forward paths (Winograd, the blocked convolution); the phase GEMM treats it as one
   * phase of a general transposed convolution.
   */
  static boolean runsAsForward(ConvSpec spec) {
    return spec.transposed()
        && spec.stride().h() == 1
        && spec.stride().w() == 1
        && spec.padding().h() <= spec.dilation().h() * (spec.kernelSize().h() - 1)
        && spec.padding().w() <= spec.dilation().w() * (spec.kernelSize().w() - 1);
  }

  /** A stride-1 ConvTranspose2d planned as the equivalent Conv2d (see {@link #runsAsForward}). */
  private ConvPlan forwardPlan(ConvSpec spec, Tensor weight, Tensor bias, int threads) {
    int kh = spec.kernelSize().h();
    int kw = spec.kernelSize().w();
    int dh = spec.dilation().h();
    int dw = spec.dilation().w();
    int padTop = dh * (kh - 1) - spec.padding().h();
    int padLeft = dw * (kw - 1) - spec.padding().w();
    ConvSpec fwd =
        ConvSpec.conv2d(spec.inChannels(), spec.outChannels(), spec.kernelSize())
            .padding(Padding.of(padTop, padLeft))
            .dilation(spec.dilation())
            .groups(spec.groups())
            .bias(spec.bias())
            .dtype(spec.dtype())
            .build();
    int grp = spec.groups();
    int icg = spec.inChannels() / grp;
    int ocg = spec.outChannels() / grp;
    int taps = kh * kw;
    float[] w = weight.floats();
    float[] fw = new float[w.length];
    // transposed (inC, outC/g, kh, kw) → forward (outC, inC/g, kh, kw), taps reversed.
    for (int g = 0; g < grp; g++) {
      for (int ic = 0; ic < icg; ic++) {
        for (int oc = 0; oc < ocg; oc++) {
          int src = ((g * icg + ic) * ocg + oc) * taps;
          int dst = ((g * ocg + oc) * icg + ic) * taps;
          for (int t = 0; t < taps; t++) {
            fw[dst + t] = w[src + taps - 1 - t];
          }
        }
      }
    }
    ConvPlan inner = floatPlan(fwd, Tensor.ofFloats(fw, fwd.weightShape()), bias, threads);
    return new Plan(
        spec,
        ConvLayout.of(spec, 1),
        1,
        (x, g, y) -> inner.runInto(x, forwardGeometry(g), y),
        inner::close);
  }

  /** The Conv2d geometry of a stride-1 transposed run: same input and output, padding as above. */
  static ConvGeometry forwardGeometry(ConvGeometry g) {
    int padTop = g.dH() * (g.kH() - 1) - g.padTop();
    int padLeft = g.dW() * (g.kW() - 1) - g.padLeft();
    return new ConvGeometry(
        ConvKind.CONV2D,
        g.n(),
        g.inC(),
        g.inH(),
        g.inW(),
        g.outC(),
        g.outH(),
        g.outW(),
        g.kH(),
        g.kW(),
        1,
        1,
        g.dH(),
        g.dW(),
        padTop,
        g.outH() - g.inH() + g.padTop(),
        padLeft,
        g.outW() - g.inW() + g.padLeft(),
        g.groups(),
        g.paddingMode());
  }

  private Plan generalFloatPlan(ConvSpec spec, Tensor weight, Tensor bias, int threads) {
    ConvLayout lay = ConvLayout.of(spec, 1);
    float[] b = bias == null ? null : bias.floats().clone();
    if (DepthwiseConv.applies(lay)) {
      DepthwiseConv dw = new DepthwiseConv(kernels, lay, weight.floats(), b, threads);
      if (BLOCKED_DEPTHWISE && BlockedDepthwise.applies(lay, kernels)) {
        // Channel-blocked where the planar rows would be short or strided (see fits).
        BlockedDepthwise bd = new BlockedDepthwise(kernels, lay, weight.floats(), b, threads);
        return new Plan(
            spec,
            lay,
            1,
            (x, g, y) -> {
              if (BlockedDepthwise.fits(g)) {
                bd.run(x.floats(), y.floats(), g);
              } else {
                dw.run(x.floats(), y.floats(), g);
              }
            },
            () -> {
              dw.release();
              bd.release();
            });
      }
      return new Plan(spec, lay, 1, (x, g, y) -> dw.run(x.floats(), y.floats(), g), dw::release);
    }
    if (TransposedDepthwise.applies(lay)) {
      // One input channel per group, transposed: direct phases (the GEMM would have M = 1).
      TransposedDepthwise td = new TransposedDepthwise(kernels, lay, weight.floats(), b, threads);
      return new Plan(spec, lay, 1, (x, g, y) -> td.run(x.floats(), y.floats(), g), td::release);
    }
    if (GROUPED && GroupedConv.applies(lay, kernels)) {
      // Groups of few channels: direct where the run fits, else the implicit GEMM.
      float[] w = weight.floats().clone();
      GroupedConv gc = new GroupedConv(kernels, lay, w, b, threads);
      return fastOrGeneral(spec, lay, w, b, threads, gc::fits, gc::run, gc::release);
    }
    if (DilatedWinograd.applies(lay) && !NO_WINOGRAD) {
      // Runs whose phases do not come out equal (sides not multiples of the dilation, other
      // padding) or are too small run on the general path.
      float[] w = weight.floats().clone();
      DilatedWinograd dil = new DilatedWinograd(kernels, lay, w, b, threads);
      return fastOrGeneral(spec, lay, w, b, threads, dil::fits, dil::run, dil::release);
    }
    if (WinogradConv.applies(lay) && !NO_WINOGRAD) {
      // Runs with few output tiles (one small image) cannot share Winograd's transformed weights
      // across enough panels: those run on the general path.
      float[] w = weight.floats().clone();
      WinogradVariants wc = new WinogradVariants(kernels, lay, w, b, threads);
      return fastOrGeneral(
          spec, lay, w, b, threads, g -> WinogradConv.pays(g, threads), wc::run, wc::release);
    }
    if (BLOCKED && BlockedConv.applies(lay, kernels)) {
      // Blocked where a run fits, else the implicit GEMM.
      return fastOrGeneral(
          spec, lay, weight.floats().clone(), b, threads, g -> false, null, () -> {});
    }
    // The GEMM packs its own copy of the weights: no need to keep the caller's.
    OffsetGemmConv gc = new OffsetGemmConv(kernels, lay, weight.floats(), b, threads);
    return new Plan(spec, lay, 1, (x, g, y) -> gc.run(x.floats(), y.floats(), g), gc::release);
  }

  /** A float32 kernel over whole arrays: every element of {@code y} is written. */
  private interface Float32Kernel {
    void run(float[] x, float[] y, ConvGeometry g);
  }

  /**
   * A plan running {@code fast} (null where {@code fits} never holds) where {@code fits} holds for
   * a run, else the general path: the blocked direct convolution where it applies to the layer and
   * fits the run, else the implicit GEMM. Each is packed the first time a run needs it (from {@code
   * w}, the plan's own copy of the weights: the caller may reuse the weight tensor after planning).
   *
   * <p>Small 3×3 runs that Winograd declines gain most from the blocked path (2 threads, one
   * 512-channel 7×7 image: 149 → 204 GFLOP/s; one 256-channel 14×14 image: 170 → 217).
   */
  private Plan fastOrGeneral(
      ConvSpec spec,
      ConvLayout lay,
      float[] w,
      float[] b,
      int threads,
      Predicate<ConvGeometry> fits,
      Float32Kernel fast,
      Runnable releaseFast) {
    Lazy<OffsetGemmConv> gemm = new Lazy<>(() -> new OffsetGemmConv(kernels, lay, w, b, threads));
    Lazy<BlockedConv> blocked =
        BLOCKED && BlockedConv.applies(lay, kernels)
            ? new Lazy<>(() -> new BlockedConv(kernels, lay, w, b, threads))
            : null;
    return new Plan(
        spec,
        lay,
        1,
        (x, g, y) -> {
          if (fits.test(g)) {
            fast.run(x.floats(), y.floats(), g);
          } else if (blocked != null && blocked.get().fits(g)) {
            blocked.get().run(x.floats(), y.floats(), g);
          } else {
            gemm.get().run(x.floats(), y.floats(), g);
          }
        },
        () -> {
          releaseFast.run();
          gemm.ifPresent(OffsetGemmConv::release);
          if (blocked != null) {
            blocked.ifPresent(BlockedConv::release);
          }
        });
  }

  private ConvPlan doublePlan(ConvSpec spec, Tensor weight, Tensor bias, int threads) {
    ConvLayout lay = ConvLayout.of(spec, 1);
    double[] b = bias == null ? null : bias.doubles().clone();
    OffsetGemmConvD gc = new OffsetGemmConvD(kernels, lay, weight.doubles(), b, threads);
    return new Plan(spec, lay, 1, (x, g, y) -> gc.run(x.doubles(), y.doubles(), g), gc::release);
  }

  private ConvPlan complexPlan(ConvSpec spec, Tensor weight, Tensor bias, int threads) {
    ConvLayout lay = ConvLayout.of(spec, 2);
    int grp = spec.groups();
    // Per group, real channels are [re parts; im parts].
    int icg = spec.inChannels() / grp;
    int ocg = spec.outChannels() / grp;
    int khw = spec.kernelSize().h() * spec.kernelSize().w();
    float[] w = weight.floats();
    float[] rw = new float[w.length * 2];
    for (int g = 0; g < grp; g++) {
      for (int ic = 0; ic < icg; ic++) {
        for (int oc = 0; oc < ocg; oc++) {
          int src =
              spec.transposed()
                  ? ((g * icg + ic) * ocg + oc) * khw
                  : ((g * ocg + oc) * icg + ic) * khw;
          for (int pi = 0; pi < 2; pi++) {
            for (int po = 0; po < 2; po++) {
              int rIc = pi * icg + ic;
              int rOc = po * ocg + oc;
              int dst =
                  spec.transposed()
                      ? ((g * 2 * icg + rIc) * 2 * ocg + rOc) * khw
                      : ((g * 2 * ocg + rOc) * 2 * icg + rIc) * khw;
              for (int t = 0; t < khw; t++) {
                float re = w[2 * (src + t)];
                float im = w[2 * (src + t) + 1];
                // [yr; yi] = [[Wr, -Wi], [Wi, Wr]] [xr; xi]
                rw[dst + t] = pi == po ? re : (po == 0 ? -im : im);
              }
            }
          }
        }
      }
    }
    float[] rb = null;
    if (bias != null) {
      float[] b = bias.floats();
      rb = new float[b.length];
      for (int g = 0; g < grp; g++) {
        for (int oc = 0; oc < ocg; oc++) {
          rb[g * 2 * ocg + oc] = b[2 * (g * ocg + oc)];
          rb[g * 2 * ocg + ocg + oc] = b[2 * (g * ocg + oc) + 1];
        }
      }
    }
    OffsetGemmConv gc = new OffsetGemmConv(kernels, lay, rw, rb, threads);
    // The real-form input and output of each run, pooled: a run allocates nothing once warm.
    ConcurrentLinkedQueue<float[]> pool = new ConcurrentLinkedQueue<>();
    return new Plan(
        spec,
        lay,
        2,
        (x, g, y) -> {
          float[] xr = Pools.borrow(pool, x.scalarCount());
          float[] yr = Pools.borrow(pool, y.scalarCount());
          try {
            runComplex(gc, x, g, y, xr, yr, icg, ocg);
          } finally {
            pool.add(xr);
            pool.add(yr);
          }
        },
        () -> {
          gc.release();
          pool.clear();
        });
  }

  /** {@code xr}, {@code yr}: scratch for the real forms, at least as long as x and y. */
  private static void runComplex(
      OffsetGemmConv gc,
      Tensor x,
      ConvGeometry g,
      Tensor y,
      float[] xr,
      float[] yr,
      int icg,
      int ocg) {
    int grp = g.groups();
    int inPlane = g.inH() * g.inW();
    int outPlane = g.outH() * g.outW();
    float[] xc = x.floats();
    for (int n = 0; n < g.n(); n++) {
      for (int c = 0; c < g.inC(); c++) {
        int gi = c / icg;
        int ic = c % icg;
        int src = (n * g.inC() + c) * inPlane * 2;
        int re = ((n * grp + gi) * 2 * icg + ic) * inPlane;
        int im = re + icg * inPlane;
        for (int i = 0; i < inPlane; i++) {
          xr[re + i] = xc[src + 2 * i];
          xr[im + i] = xc[src + 2 * i + 1];
        }
      }
    }
    ConvGeometry rg =
        new ConvGeometry(
            g.kind(),
            g.n(),
            2 * g.inC(),
            g.inH(),
            g.inW(),
            2 * g.outC(),
            g.outH(),
            g.outW(),
            g.kH(),
            g.kW(),
            g.sH(),
            g.sW(),
            g.dH(),
            g.dW(),
            g.padTop(),
            g.padBottom(),
            g.padLeft(),
            g.padRight(),
            grp,
            g.paddingMode());
    gc.run(xr, yr, rg);
    float[] yc = y.floats();
    for (int n = 0; n < g.n(); n++) {
      for (int c = 0; c < g.outC(); c++) {
        int gi = c / ocg;
        int oc = c % ocg;
        int dst = (n * g.outC() + c) * outPlane * 2;
        int re = ((n * grp + gi) * 2 * ocg + oc) * outPlane;
        int im = re + ocg * outPlane;
        for (int i = 0; i < outPlane; i++) {
          yc[dst + 2 * i] = yr[re + i];
          yc[dst + 2 * i + 1] = yr[im + i];
        }
      }
    }
  }

  /** Runs a checked batch into an output whose every element it overwrites. */
  private interface Runner {
    void run(Tensor x, ConvGeometry g, Tensor y);
  }

  private final class Plan implements ConvPlan {
    private final ConvSpec spec;
    private final ConvLayout lay;
    private final int channelFactor;
    private final Runner runner;
    private final Runnable release;

    Plan(ConvSpec spec, ConvLayout lay, int channelFactor, Runner runner, Runnable release) {
      this.spec = spec;
      this.lay = lay;
      this.channelFactor = channelFactor;
      this.runner = runner;
      this.release = release;
    }

    @Override
    public ConvSpec spec() {
      return spec;
    }

    @Override
    public String backendName() {
      return name;
    }

    @Override
    public Tensor run(Tensor input, ConvGeometry geometry) {
      return runInto(input, geometry, Tensor.zeros(spec.dtype(), geometry.outputShape()));
    }

    @Override
    public Tensor runInto(Tensor input, ConvGeometry geometry, Tensor output) {
      lay.check(geometry, channelFactor);
      check("input", input, spec.dtype(), geometry.inputShape());
      ConvPlan.checkOutput(spec, geometry, output);
      runner.run(input, geometry, output);
      return output;
    }

    /** Frees pooled buffers; a closed plan still runs (its buffers regrow). Idempotent. */
    @Override
    public void close() {
      release.run();
    }

    @Override
    public String toString() {
      return name + " plan for " + spec;
    }
  }
}
