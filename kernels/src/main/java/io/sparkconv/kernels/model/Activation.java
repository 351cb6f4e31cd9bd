package io.sparkconv.kernels.model;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Locale;

/**
 * Element-wise layers between convolutions: {@code ReLU}, {@code LeakyReLU(negative_slope)}, {@code
 * Sigmoid}, {@code Tanh}, as {@code torch.nn} defines them. float32 is computed in float64 and
 * rounded once (within PyTorch's float32 tolerance); ReLU and LeakyReLU refuse complex input, as
 * PyTorch does.
 */
public final class Activation implements Layer {
  /** Which function. */
  public enum Kind {
    RELU("ReLU"),
    LEAKY_RELU("LeakyReLU"),
    SIGMOID("Sigmoid"),
    TANH("Tanh");

    private final String torchName;

    Kind(String torchName) {
      this.torchName = torchName;
    }

    public String torchName() {
      return torchName;
    }

    /** Parses a module name such as {@code ReLU}; null when it is not an activation. */
    public static Kind fromTorchName(String name) {
      for (Kind k : values()) {
        if (k.torchName.equals(name)) {
          return k;
        }
      }
      return null;
    }
  }

  /** PyTorch's default {@code negative_slope} of LeakyReLU. */
  public static final double DEFAULT_NEGATIVE_SLOPE = 0.01;

  private final String name;
  private final Kind kind;
  private final double negativeSlope;

  public Activation(String name, Kind kind, double negativeSlope) {
    this.name = name;
    this.kind = kind;
    this.negativeSlope = negativeSlope;
  }

  public Kind kind() {
    return kind;
  }

  public double negativeSlope() {
    return negativeSlope;
  }

  @Override
  public String name() {
    return name;
  }

  /** Refuses a dtype this function is not defined for, with PyTorch's reason. */
  public void checkDtype(DType dtype) {
    if (dtype.isComplex() && (kind == Kind.RELU || kind == Kind.LEAKY_RELU)) {
      throw new IllegalArgumentException(
          "layer '"
              + name
              + "' ("
              + kind.torchName()
              + ") is not defined for complex64: PyTorch refuses it too (\"clamp is not supported"
              + " for complex types\")");
    }
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Tensor forward(Tensor x) {
    return forward(x, null);
  }

  @Override
  public Tensor forward(Tensor x, Workspace ws) {
    checkDtype(x.dtype());
    Tensor y =
        ws == null ? Tensor.zeros(x.dtype(), x.shape()) : ws.output(this, x.dtype(), x.shape());
    if (x.dtype() == DType.FLOAT64) {
      double[] in = x.doubles();
      double[] out = y.doubles();
      for (int i = 0; i < in.length; i++) {
        out[i] = real(in[i]);
      }
    } else if (x.dtype() == DType.FLOAT32) {
      float[] in = x.floats();
      float[] out = y.floats();
      for (int i = 0; i < in.length; i++) {
        out[i] = (float) real(in[i]);
      }
    } else {
      float[] in = x.floats();
      float[] out = y.floats();
      double[] z = new double[2];
      for (int i = 0; i < in.length; i += 2) {
        complex(in[i], in[i + 1], z);
        out[i] = (float) z[0];
        out[i + 1] = (float) z[1];
      }
    }
    return y;
  }

  private double real(double v) {
    return switch (kind) {
        // NaN stays NaN (PyTorch's clamp propagates NaN).
      case RELU -> v > 0 || Double.isNaN(v) ? v : 0.0;
      case LEAKY_RELU -> v > 0 || Double.isNaN(v) ? v : v * negativeSlope;
      case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
      case TANH -> Math.tanh(v);
    };
  }

  /** Complex sigmoid 1/(1+e^−z) and tanh; out = {re, im}. */
  private void complex(double a, double b, double[] out) {
    if (kind == Kind.SIGMOID) {
      // 1 + e^{-a}(cos b − i sin b)
      double e = Math.exp(-a);
      double dr = 1 + e * Math.cos(b);
      double di = -e * Math.sin(b);
      double den = dr * dr + di * di;
      out[0] = dr / den;
      out[1] = -di / den;
    } else {
      // tanh(a+ib) = (sinh 2a + i sin 2b) / (cosh 2a + cos 2b), stable for large |a|.
      if (Math.abs(a) > 20) {
        out[0] = Math.signum(a);
        out[1] = 0.0 * Math.sin(2 * b);
        return;
      }
      double den = Math.cosh(2 * a) + Math.cos(2 * b);
      out[0] = Math.sinh(2 * a) / den;
      out[1] = Math.sin(2 * b) / den;
    }
  }

  @Override
  public String toString() {
    return kind == Kind.LEAKY_RELU
        ? String.format(Locale.ROOT, "LeakyReLU(negative_slope=%s)", negativeSlope)
        : kind.torchName() + "()";
  }
}
