package io.sparkconv.kernels.backend;

import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.PaddingMode;
import io.sparkconv.kernels.tensor.Tensor;

/**
 * Explicit border padding for Conv2d's reflect, replicate and circular modes, as PyTorch's {@code
 * F.pad} does before the convolution. Kernels then see zero padding only.
 */
public final class Pad {
  private Pad() {}

  /**
   * Pads {@code x} {@code (n, c, h, w)} by the geometry's padTop/Bottom/Left/Right with its padding
   * mode. Sizes were validated by {@link io.sparkconv.kernels.spec.ConvShapes#geometry}.
   */
  public static Tensor apply(Tensor x, ConvGeometry g) {
    int n = g.n();
    int c = g.inC();
    int h = g.inH();
    int w = g.inW();
    int ph = h + g.padTop() + g.padBottom();
    int pw = w + g.padLeft() + g.padRight();
    int lanes = x.dtype().lanes();
    Tensor y = Tensor.zeros(x.dtype(), n, c, ph, pw);
    int[] rows = new int[ph];
    int[] cols = new int[pw];
    for (int i = 0; i < ph; i++) {
      rows[i] = source(i - g.padTop(), h, g.paddingMode());
    }
    for (int j = 0; j < pw; j++) {
      cols[j] = source(j - g.padLeft(), w, g.paddingMode());
    }
    boolean dbl = x.dtype() == io.sparkconv.kernels.tensor.DType.FLOAT64;
    for (int plane = 0; plane < n * c; plane++) {
      long src = (long) plane * h * w;
      long dst = (long) plane * ph * pw;
      for (int i = 0; i < ph; i++) {
        for (int j = 0; j < pw; j++) {
          int s = (int) ((src + (long) rows[i] * w + cols[j]) * lanes);
          int d = (int) ((dst + (long) i * pw + j) * lanes);
          for (int l = 0; l < lanes; l++) {
            if (dbl) {
              y.doubles()[d + l] = x.doubles()[s + l];
            } else {
              y.floats()[d + l] = x.floats()[s + l];
            }
          }
        }
      }
    }
    return y;
  }

  /** The source index for padded position {@code i} (may be outside [0, size)). */
  static int source(int i, int size, PaddingMode mode) {
    if (i >= 0 && i < size) {
      return i;
    }
    return switch (mode) {
      case REFLECT -> i < 0 ? -i : 2 * (size - 1) - i;
      case REPLICATE -> i < 0 ? 0 : size - 1;
      case CIRCULAR -> Math.floorMod(i, size);
      case ZEROS -> throw new IllegalStateException("zeros padding is not applied explicitly");
    };
  }
}
