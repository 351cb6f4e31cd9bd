package io.sparkconv.kernels.tensor;

import java.util.Arrays;

/** Conversions between the dtypes and layouts SparkConv reads and writes. */
public final class Tensors {
  private Tensors() {}

  /**
   * {@code t} in {@code dtype}: float32 ↔ float64 by rounding to nearest (as PyTorch's {@code
   * .to()}), and for complex64 either a complex tensor or a float32 tensor whose last dimension is
   * 2, read as (re, im) pairs ({@code torch.view_as_complex}).
   *
   * @throws IllegalArgumentException when no such reading exists
   */
  public static Tensor to(Tensor t, DType dtype) {
    if (t.dtype() == dtype) {
      return t;
    }
    if (dtype == DType.COMPLEX64) {
      int[] s = t.shape();
      if (t.dtype() == DType.FLOAT32 && s.length >= 1 && s[s.length - 1] == 2) {
        return Tensor.ofComplex(t.floats(), Arrays.copyOf(s, s.length - 1));
      }
      throw new IllegalArgumentException(
          "expected complex64 data (complex64, or float32 with a last dimension of 2), but got "
              + t.dtype()
              + " "
              + Arrays.toString(s));
    }
    if (t.dtype().isComplex()) {
      throw new IllegalArgumentException("cannot convert complex64 data to " + dtype);
    }
    if (dtype == DType.FLOAT64) {
      float[] f = t.floats();
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      return Tensor.ofDoubles(d, t.shape());
    }
    double[] d = t.doubles();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return Tensor.ofFloats(f, t.shape());
  }
}
