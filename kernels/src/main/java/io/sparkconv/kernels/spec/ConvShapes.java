package io.sparkconv.kernels.spec;

import java.util.Arrays;

/** Pure shape functions of Conv2d and ConvTranspose2d, with PyTorch's validation of the input. */
public final class ConvShapes {
  private ConvShapes() {}

  /**
   * Conv2d output size along one axis: {@code floor((in + padBefore + padAfter − dilation·(k − 1) −
   * 1) / stride) + 1}. Only meaningful when the padded input is at least the dilated kernel.
   */
  public static int convOutputSize(
      int in, int padBefore, int padAfter, int kernel, int stride, int dilation) {
    return (in + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride + 1;
  }

  /**
   * ConvTranspose2d output size along one axis: {@code (in − 1)·stride − 2·padding + dilation·(k −
   * 1) + outputPadding + 1}. May be zero or negative (the caller decides).
   */
  public static long transposedOutputSize(
      int in, int padding, int kernel, int stride, int dilation, int outputPadding) {
    return (long) (in - 1) * stride
        - 2L * padding
        + (long) dilation * (kernel - 1)
        + outputPadding
        + 1;
  }

  /**
   * The padding actually applied before/after along one axis: explicit padding on both sides, none
   * for "valid", and for "same" a total of {@code dilation·(k − 1)} split with the odd one after
   * (PyTorch's {@code _reversed_padding_repeated_twice} and its asymmetric F.pad).
   *
   * @return {before, after}
   */
  public static int[] resolvePadding(Padding padding, boolean height, int kernel, int dilation) {
    return switch (padding.kind()) {
      case EXPLICIT -> {
        int p = height ? padding.h() : padding.w();
        yield new int[] {p, p};
      }
      case VALID -> new int[] {0, 0};
      case SAME -> {
        int total = dilation * (kernel - 1);
        yield new int[] {total / 2, total - total / 2};
      }
    };
  }

  /**
   * The output shape for an input of {@code inputShape}, {@code (C, H, W)} or {@code (N, C, H, W)};
   * unbatched in, unbatched out.
   *
   * @throws ConvSpecException as {@link #geometry} does
   */
  public static int[] outputShape(ConvSpec spec, int[] inputShape) {
    ConvGeometry g = geometry(spec, inputShape);
    return inputShape.length == 3 ? new int[] {g.outC(), g.outH(), g.outW()} : g.outputShape();
  }

  /**
   * Resolves and validates a layer against an input shape ({@code (C, H, W)} is taken as a batch of
   * one). Checks, in PyTorch's words: input rank, channel count, padding size for reflect/circular,
   * kernel against padded input (Conv2d), requested output_size and output size (ConvTranspose2d).
   *
   * @throws ConvSpecException before any work when PyTorch would refuse the input
   */
  public static ConvGeometry geometry(ConvSpec spec, int[] inputShape) {
    String op = spec.transposed() ? "conv_transpose2d" : "conv2d";
    if (inputShape.length != 3 && inputShape.length != 4) {
      throw new ConvSpecException(
          "Expected 3D (unbatched) or 4D (batched) input to "
              + op
              + ", but got input of size: "
              + Arrays.toString(inputShape));
    }
    for (int d : inputShape) {
      if (d < 0) {
        throw new ConvSpecException(
            "negative dimension in input shape " + Arrays.toString(inputShape));
      }
    }
    boolean unbatched = inputShape.length == 3;
    int[] b = unbatched ? new int[] {1, inputShape[0], inputShape[1], inputShape[2]} : inputShape;
    int n = b[0];
    int c = b[1];
    int h = b[2];
    int w = b[3];
    Size2 k = spec.kernelSize();
    Size2 s = spec.stride();
    Size2 d = spec.dilation();
    if (spec.transposed()) {
      checkChannels(spec, c, b);
      return transposedGeometry(spec, n, h, w);
    }
    int[] ph = resolvePadding(spec.padding(), true, k.h(), d.h());
    int[] pw = resolvePadding(spec.padding(), false, k.w(), d.w());
    int hDim = unbatched ? 1 : 2;
    switch (spec.paddingMode()) {
      case REFLECT -> {
        // PyTorch's reflection_pad2d checks width first, then height.
        checkReflect(pw, w, hDim + 1, inputShape);
        checkReflect(ph, h, hDim, inputShape);
      }
      case CIRCULAR -> {
        // Negative padding crops, which never wraps.
        if (ph[0] > h || ph[1] > h || pw[0] > w || pw[1] > w) {
          throw new ConvSpecException(
              "Padding value causes wrapping around more than once. (padding "
                  + spec.padding()
                  + " with padding_mode='circular' on input of size "
                  + Arrays.toString(inputShape)
                  + ")");
        }
      }
      case REPLICATE -> {
        if ((h == 0 || w == 0) && (ph[0] | ph[1] | pw[0] | pw[1]) != 0) {
          throw new ConvSpecException(
              "padding_mode='replicate' needs a non-empty input, but got input of size "
                  + Arrays.toString(inputShape));
        }
      }
      case ZEROS -> {}
    }
    // PyTorch pads (F.pad) before the convolution checks its input channels.
    checkChannels(spec, c, b);
    long paddedH = (long) h + ph[0] + ph[1];
    long paddedW = (long) w + pw[0] + pw[1];
    long dkH = (long) d.h() * (k.h() - 1) + 1;
    long dkW = (long) d.w() * (k.w() - 1) + 1;
    if (paddedH < dkH || paddedW < dkW) {
      throw new ConvSpecException(
          "Calculated padded input size per channel: ("
              + paddedH
              + " x "
              + paddedW
              + "). Kernel size: ("
              + dkH
              + " x "
              + dkW
              + "). Kernel size can't be greater than actual input size");
    }
    if (paddedH > Integer.MAX_VALUE / 2 || paddedW > Integer.MAX_VALUE / 2) {
      throw new ConvSpecException("input of size " + Arrays.toString(inputShape) + " is too large");
    }
    int outH = convOutputSize(h, ph[0], ph[1], k.h(), s.h(), d.h());
    int outW = convOutputSize(w, pw[0], pw[1], k.w(), s.w(), d.w());
    return new ConvGeometry(
        spec.kind(),
        n,
        c,
        h,
        w,
        spec.outChannels(),
        outH,
        outW,
        k.h(),
        k.w(),
        s.h(),
        s.w(),
        d.h(),
        d.w(),
        ph[0],
        ph[1],
        pw[0],
        pw[1],
        spec.groups(),
        spec.paddingMode());
  }

  private static void checkChannels(ConvSpec spec, int c, int[] b) {
    if (c != spec.inChannels()) {
      throw new ConvSpecException(
          (spec.transposed() ? "Given transposed=1" : "Given groups=" + spec.groups())
              + ", weight of size "
              + Arrays.toString(spec.weightShape())
              + ", expected input"
              + Arrays.toString(b)
              + " to have "
              + spec.inChannels()
              + " channels, but got "
              + c
              + " channels instead");
    }
  }

  private static void checkReflect(int[] pad, int size, int dim, int[] inputShape) {
    if (pad[0] >= size || pad[1] >= size) {
      throw new ConvSpecException(
          "Argument #4: Padding size should be less than the corresponding input dimension, but"
              + " got: padding ("
              + pad[0]
              + ", "
              + pad[1]
              + ") at dimension "
              + dim
              + " of input "
              + Arrays.toString(inputShape));
    }
  }

  private static ConvGeometry transposedGeometry(ConvSpec spec, int n, int h, int w) {
    Size2 k = spec.kernelSize();
    Size2 s = spec.stride();
    Size2 d = spec.dilation();
    Padding p = spec.padding();
    Size2 op = spec.outputPadding();
    if (spec.outputSize().isPresent()) {
      Size2 want = spec.outputSize().get();
      long minH = transposedOutputSize(h, p.h(), k.h(), s.h(), d.h(), 0);
      long minW = transposedOutputSize(w, p.w(), k.w(), s.w(), d.w(), 0);
      long maxH = minH + s.h() - 1;
      long maxW = minW + s.w() - 1;
      if (want.h() < minH || want.h() > maxH || want.w() < minW || want.w() > maxW) {
        throw new ConvSpecException(
            "requested an output size of ["
                + want.h()
                + ", "
                + want.w()
                + "], but valid sizes range from ["
                + minH
                + ", "
                + minW
                + "] to ["
                + maxH
                + ", "
                + maxW
                + "] (for an input of ["
                + h
                + ", "
                + w
                + "])");
      }
      op = Size2.of((int) (want.h() - minH), (int) (want.w() - minW));
    }
    long outH = transposedOutputSize(h, p.h(), k.h(), s.h(), d.h(), op.h());
    long outW = transposedOutputSize(w, p.w(), k.w(), s.w(), d.w(), op.w());
    if (outH < 0 || outW < 0) {
      throw new ConvSpecException(
          "Given input size per channel: ("
              + h
              + " x "
              + w
              + "). Calculated output size per channel: ("
              + outH
              + " x "
              + outW
              + "). Output size is too small");
    }
    if (outH > Integer.MAX_VALUE / 2 || outW > Integer.MAX_VALUE / 2) {
      throw new ConvSpecException(
          "output of size (" + outH + " x " + outW + ") is larger than SparkConv supports");
    }
    return new ConvGeometry(
        spec.kind(),
        n,
        spec.inChannels(),
        h,
        w,
        spec.outChannels(),
        (int) outH,
        (int) outW,
        k.h(),
        k.w(),
        s.h(),
        s.w(),
        d.h(),
        d.w(),
        p.h(),
        p.h(),
        p.w(),
        p.w(),
        spec.groups(),
        PaddingMode.ZEROS);
  }
}
