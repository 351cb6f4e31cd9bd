package io.sparkconv.kernels.init;

import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Objects;

/**
 * PyTorch's default initialisation of {@code nn.Conv2d} and {@code nn.ConvTranspose2d}, bit for bit
 * with PyTorch on an x86-64 build with AVX2 or AVX-512 (every official CPU wheel).
 *
 * <p>{@code _ConvNd.reset_parameters} (torch/nn/modules/conv.py) runs {@code
 * kaiming_uniform_(weight, a=sqrt(5))} and then, with a bias and {@code fan_in != 0}, {@code
 * uniform_(bias, -1/sqrt(fan_in), 1/sqrt(fan_in))}, with {@code fan_in = weight.size(1) · kh · kw}
 * ({@link ConvSpec#fanIn()}; for ConvTranspose2d that is {@code out/groups · kh · kw}). The bounds
 * are Python floats (doubles):
 *
 * <pre>
 *   gain  = sqrt(2.0 / (1 + a**2))          a = sqrt(5.0), a**2 = 5.000000000000001
 *   bound = sqrt(3.0) * (gain / sqrt(fan_in))
 * </pre>
 *
 * <p>{@code uniform_(from, to)} (aten/src/ATen/native/cpu/DistributionTemplates.h, {@code
 * at::uniform_real_distribution}, {@code transformation::uniform_real}) draws serially in row-major
 * order, one draw per scalar:
 *
 * <ul>
 *   <li>float32: {@code from} and {@code to} are first cast to float; {@code x = (random() & (2^24
 *       - 1)) · 2^-24} in float; the value is {@code x · (to - from) + from} in float, the
 *       multiply-add fused (one rounding), as the compiler contracts it in PyTorch's AVX2/AVX-512
 *       kernels;
 *   <li>float64: {@code x = (random64() & (2^53 - 1)) · 2^-53}, then the same fused multiply-add in
 *       double;
 *   <li>complex64: the tensor is seen as float32 pairs ({@code view_as_real}) and filled as
 *       float32, so each element draws its real part, then its imaginary part, both from the same
 *       bounds.
 * </ul>
 */
public final class TorchInit {
  /** {@code math.sqrt(5)}, the {@code a} that {@code _ConvNd.reset_parameters} passes. */
  private static final double KAIMING_A = Math.sqrt(5.0);

  private static final float FLOAT_DIVISOR = 1.0f / (1 << 24);
  private static final int FLOAT_MASK = (1 << 24) - 1;
  private static final double DOUBLE_DIVISOR = 1.0 / (1L << 53);
  private static final long DOUBLE_MASK = (1L << 53) - 1;

  private TorchInit() {}

  /**
   * Draws from {@code gen}, in PyTorch's order, what constructing {@code nn.Conv2d} / {@code
   * nn.ConvTranspose2d} with this spec draws: the weight ({@link ConvSpec#weightShape()}, {@code
   * kaiming_uniform_} with {@code a = sqrt(5)}), then, if {@link ConvSpec#bias()}, the bias ({@code
   * (out_channels)}, uniform on {@code [-1/sqrt(fan_in), 1/sqrt(fan_in))}).
   *
   * <p>A model of several layers calls this once per convolution, in layer order, with one
   * generator: {@code torch.manual_seed(S)} followed by building the {@code nn.Sequential}.
   * Element-wise layers draw nothing.
   *
   * @return {@code {weight, bias}} in {@link ConvSpec#dtype()}, the bias {@code null} when the
   *     layer has none
   */
  public static Tensor[] convParameters(ConvSpec spec, TorchGenerator gen) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(gen, "gen");
    int fanIn = spec.fanIn();
    Tensor weight = Tensor.zeros(spec.dtype(), spec.weightShape());
    double w = kaimingUniformBound(fanIn, KAIMING_A);
    uniform(weight, -w, w, gen);
    Tensor bias = null;
    if (spec.bias()) {
      bias = Tensor.zeros(spec.dtype(), spec.biasShape());
      // PyTorch skips the bias draw when fan_in is 0; a valid spec always has fan_in >= 1, but
      // keep the rule so that the draw count stays PyTorch's if that ever changes.
      if (fanIn != 0) {
        double b = 1 / Math.sqrt(fanIn);
        uniform(bias, -b, b, gen);
      }
    }
    return new Tensor[] {weight, bias};
  }

  /**
   * {@code torch.nn.init.kaiming_uniform_}'s bound for {@code mode='fan_in'}, {@code
   * nonlinearity='leaky_relu'}: {@code sqrt(3.0) * (sqrt(2.0 / (1 + a*a)) / sqrt(fan))}, in doubles
   * and in this order.
   */
  public static double kaimingUniformBound(int fan, double a) {
    if (fan <= 0) {
      throw new IllegalArgumentException("kaiming_uniform_: fan must be positive, but got " + fan);
    }
    // Python's a ** 2 for a float is pow(a, 2.0), which is correctly rounded, so equals a * a.
    double gain = Math.sqrt(2.0 / (1 + a * a));
    double std = gain / Math.sqrt(fan);
    return Math.sqrt(3.0) * std;
  }

  /**
   * {@code tensor.uniform_(from, to)} on PyTorch's CPU generator: fills every scalar of {@code
   * tensor} in place, in row-major order (complex: real then imaginary per element), drawing from
   * {@code gen} exactly as PyTorch does (see the class comment).
   *
   * @throws IllegalArgumentException as PyTorch when {@code from > to} or a bound is not finite
   */
  public static void uniform(Tensor tensor, double from, double to, TorchGenerator gen) {
    if (!(from <= to)) {
      throw new IllegalArgumentException(
          "uniform_ expects to return a [from, to) range, but found from=" + from + " > to=" + to);
    }
    DType dtype = tensor.dtype();
    double max = dtype == DType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE;
    if (from < -max || to > max || to - from > max) {
      throw new IllegalArgumentException(
          "uniform_ expects from and to within the range of "
              + dtype
              + " and to-from <= its max, but found from="
              + from
              + " and to="
              + to);
    }
    if (dtype == DType.FLOAT64) {
      double[] d = tensor.doubles();
      double range = to - from;
      for (int i = 0; i < d.length; i++) {
        double x = (gen.random64() & DOUBLE_MASK) * DOUBLE_DIVISOR;
        d[i] = Math.fma(x, range, from);
      }
    } else {
      // float32, and complex64 seen as float32 pairs (view_as_real): the bounds are cast to float
      // first, and the range is computed in float, as the float kernel does.
      float[] f = tensor.floats();
      float lo = (float) from;
      float range = (float) to - lo;
      for (int i = 0; i < f.length; i++) {
        float x = (gen.random() & FLOAT_MASK) * FLOAT_DIVISOR;
        f[i] = Math.fma(x, range, lo);
      }
    }
  }
}
