package io.sparkconv.kernels.spec;

import io.sparkconv.kernels.tensor.DType;
import java.util.Objects;
import java.util.Optional;

/**
 * One immutable, validated {@code torch.nn.Conv2d} or {@code torch.nn.ConvTranspose2d} layer: every
 * constructor argument, with PyTorch's names and defaults (stride 1, padding 0, dilation 1, groups
 * 1, bias true, padding_mode zeros, output_padding 0, dtype float32).
 *
 * <p>Everything that can be checked without an input is checked by {@link Builder#build()}, with
 * PyTorch's wording; what depends on the input (channel count, sizes against padding and kernel,
 * transposed output size) is checked by {@link ConvShapes#geometry(ConvSpec, int[])} before any
 * work starts. No tensors live here: weights belong to a plan.
 *
 * <p>{@code outputSize} is the argument of {@code ConvTranspose2d.forward(x, output_size=...)},
 * fixed per layer: when present it replaces {@code outputPadding} (as in PyTorch, where the
 * module's output_padding is then ignored).
 */
public final class ConvSpec implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final ConvKind kind;
  private final int inChannels;
  private final int outChannels;
  private final Size2 kernelSize;
  private final Size2 stride;
  private final Padding padding;
  private final Size2 dilation;
  private final int groups;
  private final boolean bias;
  private final PaddingMode paddingMode;
  private final Size2 outputPadding;
  private final Size2 outputSize;
  private final DType dtype;

  private ConvSpec(Builder b) {
    this.kind = b.kind;
    this.inChannels = b.inChannels;
    this.outChannels = b.outChannels;
    this.kernelSize = b.kernelSize;
    this.stride = b.stride;
    this.padding = b.padding;
    this.dilation = b.dilation;
    this.groups = b.groups;
    this.bias = b.bias;
    this.paddingMode = b.paddingMode;
    this.outputPadding = b.outputPadding;
    this.outputSize = b.outputSize;
    this.dtype = b.dtype;
  }

  /** A builder for {@code Conv2d(inChannels, outChannels, kernelSize)}. */
  public static Builder conv2d(int inChannels, int outChannels, Size2 kernelSize) {
    return new Builder(ConvKind.CONV2D, inChannels, outChannels, kernelSize);
  }

  /** A builder for {@code ConvTranspose2d(inChannels, outChannels, kernelSize)}. */
  public static Builder convTranspose2d(int inChannels, int outChannels, Size2 kernelSize) {
    return new Builder(ConvKind.CONV_TRANSPOSE2D, inChannels, outChannels, kernelSize);
  }

  public static Builder builder(ConvKind kind, int inChannels, int outChannels, Size2 kernelSize) {
    return new Builder(kind, inChannels, outChannels, kernelSize);
  }

  public ConvKind kind() {
    return kind;
  }

  public boolean transposed() {
    return kind.transposed();
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }

  public Size2 kernelSize() {
    return kernelSize;
  }

  public Size2 stride() {
    return stride;
  }

  public Padding padding() {
    return padding;
  }

  public Size2 dilation() {
    return dilation;
  }

  public int groups() {
    return groups;
  }

  public boolean bias() {
    return bias;
  }

  public PaddingMode paddingMode() {
    return paddingMode;
  }

  /** ConvTranspose2d only (zero for Conv2d); ignored when {@link #outputSize()} is present. */
  public Size2 outputPadding() {
    return outputPadding;
  }

  /** ConvTranspose2d only: the requested output (h, w), if fixed. */
  public Optional<Size2> outputSize() {
    return Optional.ofNullable(outputSize);
  }

  public DType dtype() {
    return dtype;
  }

  /**
   * Weight shape: Conv2d {@code (out, in/groups, kh, kw)}; ConvTranspose2d {@code (in, out/groups,
   * kh, kw)}.
   */
  public int[] weightShape() {
    return transposed()
        ? new int[] {inChannels, outChannels / groups, kernelSize.h(), kernelSize.w()}
        : new int[] {outChannels, inChannels / groups, kernelSize.h(), kernelSize.w()};
  }

  /** Bias shape {@code (out)}. */
  public int[] biasShape() {
    return new int[] {outChannels};
  }

  /**
   * PyTorch's fan_in for initialisation: {@code weight.size(1) · kh · kw}, so for ConvTranspose2d
   * it is {@code out/groups · kh · kw}.
   */
  public int fanIn() {
    return weightShape()[1] * kernelSize.h() * kernelSize.w();
  }

  /** A copy with another dtype. */
  public ConvSpec withDtype(DType newDtype) {
    return toBuilder().dtype(newDtype).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(kind, inChannels, outChannels, kernelSize);
    b.stride = stride;
    b.padding = padding;
    b.dilation = dilation;
    b.groups = groups;
    b.bias = bias;
    b.paddingMode = paddingMode;
    b.outputPadding = outputPadding;
    b.outputSize = outputSize;
    b.dtype = dtype;
    return b;
  }

  /**
   * The layer in benchdnn form, e.g. {@code conv_ic64oc64_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1} (dilation
   * as PyTorch counts it, 1 = dense), then the options that differ from the defaults.
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(transposed() ? "deconv" : "conv");
    s.append("_ic").append(inChannels).append("oc").append(outChannels);
    s.append("_kh").append(kernelSize.h()).append("kw").append(kernelSize.w());
    s.append("_sh").append(stride.h()).append("sw").append(stride.w());
    switch (padding.kind()) {
      case EXPLICIT -> s.append("_ph").append(padding.h()).append("pw").append(padding.w());
      case VALID -> s.append("_pvalid");
      case SAME -> s.append("_psame");
    }
    s.append("_dh").append(dilation.h()).append("dw").append(dilation.w());
    s.append("_g").append(groups);
    if (transposed()) {
      if (outputSize != null) {
        s.append("_os").append(outputSize.h()).append('x').append(outputSize.w());
      } else {
        s.append("_oph").append(outputPadding.h()).append("opw").append(outputPadding.w());
      }
    }
    if (paddingMode != PaddingMode.ZEROS) {
      s.append('_').append(paddingMode.torchName());
    }
    if (!bias) {
      s.append("_nobias");
    }
    s.append('_').append(dtype.torchName());
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConvSpec c
        && c.kind == kind
        && c.inChannels == inChannels
        && c.outChannels == outChannels
        && c.kernelSize.equals(kernelSize)
        && c.stride.equals(stride)
        && c.padding.equals(padding)
        && c.dilation.equals(dilation)
        && c.groups == groups
        && c.bias == bias
        && c.paddingMode == paddingMode
        && c.outputPadding.equals(outputPadding)
        && Objects.equals(c.outputSize, outputSize)
        && c.dtype == dtype;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        kind,
        inChannels,
        outChannels,
        kernelSize,
        stride,
        padding,
        dilation,
        groups,
        bias,
        paddingMode,
        outputPadding,
        outputSize,
        dtype);
  }

  /**
   * Required arguments in the factory, optional ones by setter, all checks in {@link #build()}
   * (some rules relate several arguments, e.g. padding='same' and stride).
   */
  public static final class Builder {
    private final ConvKind kind;
    private final int inChannels;
    private final int outChannels;
    private final Size2 kernelSize;
    private Size2 stride = Size2.of(1);
    private Padding padding = Padding.of(0);
    private Size2 dilation = Size2.of(1);
    private int groups = 1;
    private boolean bias = true;
    private PaddingMode paddingMode = PaddingMode.ZEROS;
    private Size2 outputPadding = Size2.of(0);
    private Size2 outputSize;
    private DType dtype = DType.FLOAT32;

    private Builder(ConvKind kind, int inChannels, int outChannels, Size2 kernelSize) {
      this.kind = Objects.requireNonNull(kind, "kind");
      this.inChannels = inChannels;
      this.outChannels = outChannels;
      this.kernelSize = Objects.requireNonNull(kernelSize, "kernel_size");
    }

    public Builder stride(Size2 v) {
      stride = Objects.requireNonNull(v, "stride");
      return this;
    }

    public Builder padding(Padding v) {
      padding = Objects.requireNonNull(v, "padding");
      return this;
    }

    public Builder dilation(Size2 v) {
      dilation = Objects.requireNonNull(v, "dilation");
      return this;
    }

    public Builder groups(int v) {
      groups = v;
      return this;
    }

    public Builder bias(boolean v) {
      bias = v;
      return this;
    }

    public Builder paddingMode(PaddingMode v) {
      paddingMode = Objects.requireNonNull(v, "padding_mode");
      return this;
    }

    public Builder outputPadding(Size2 v) {
      outputPadding = Objects.requireNonNull(v, "output_padding");
      return this;
    }

    /** {@code null} clears it. */
    public Builder outputSize(Size2 v) {
      outputSize = v;
      return this;
    }

    public Builder dtype(DType v) {
      dtype = Objects.requireNonNull(v, "dtype");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws ConvSpecException naming the argument, the value and the rule
     */
    public ConvSpec build() {
      String m = kind.torchName();
      if (inChannels <= 0) {
        throw new ConvSpecException(
            m + ": in_channels must be a positive integer, but got in_channels=" + inChannels);
      }
      if (outChannels <= 0) {
        throw new ConvSpecException(
            m + ": out_channels must be a positive integer, but got out_channels=" + outChannels);
      }
      if (groups <= 0) {
        throw new ConvSpecException("groups must be a positive integer, but got groups=" + groups);
      }
      if (inChannels % groups != 0) {
        throw new ConvSpecException(
            "in_channels must be divisible by groups (in_channels="
                + inChannels
                + ", groups="
                + groups
                + ")");
      }
      if (outChannels % groups != 0) {
        throw new ConvSpecException(
            "out_channels must be divisible by groups (out_channels="
                + outChannels
                + ", groups="
                + groups
                + ")");
      }
      if (kind.transposed()) {
        if (!padding.isExplicit()) {
          throw new ConvSpecException(
              "ConvTranspose2d: padding must be an int or a pair of ints, but got padding="
                  + padding);
        }
        if (paddingMode != PaddingMode.ZEROS) {
          throw new ConvSpecException(
              "Only \"zeros\" padding mode is supported for ConvTranspose2d, but got padding_mode='"
                  + paddingMode.torchName()
                  + "'");
        }
      } else {
        if (!outputPadding.equals(Size2.of(0))) {
          throw new ConvSpecException(
              "Conv2d has no output_padding (got "
                  + outputPadding
                  + "); it is a ConvTranspose2d"
                  + " argument");
        }
        if (outputSize != null) {
          throw new ConvSpecException(
              "Conv2d has no output_size (got "
                  + outputSize
                  + "); it is a ConvTranspose2d"
                  + " argument");
        }
      }
      if (padding.kind() == Padding.Kind.SAME && (stride.h() != 1 || stride.w() != 1)) {
        throw new ConvSpecException(
            "padding='same' is not supported for strided convolutions (stride=" + stride + ")");
      }
      if (kernelSize.h() <= 0 || kernelSize.w() <= 0) {
        throw new ConvSpecException(
            "kernel size should be greater than zero, but got kernel_height: "
                + kernelSize.h()
                + " kernel_width: "
                + kernelSize.w());
      }
      if (stride.h() <= 0 || stride.w() <= 0) {
        throw new ConvSpecException("non-positive stride is not supported (stride=" + stride + ")");
      }
      if (dilation.h() <= 0 || dilation.w() <= 0) {
        throw new ConvSpecException(
            "dilation should be greater than zero, but got dilation_height: "
                + dilation.h()
                + " dilation_width: "
                + dilation.w());
      }
      // Negative padding crops: PyTorch allows it only where F.pad does the padding (circular).
      if (padding.isExplicit()
          && (padding.h() < 0 || padding.w() < 0)
          && paddingMode != PaddingMode.CIRCULAR) {
        throw new ConvSpecException(
            "negative padding is not supported (padding="
                + padding
                + ", padding_mode='"
                + paddingMode.torchName()
                + "')");
      }
      if (kind.transposed() && outputSize == null) {
        if (outputPadding.h() < 0 || outputPadding.w() < 0) {
          throw new ConvSpecException(
              "negative output_padding is not supported (output_padding=" + outputPadding + ")");
        }
        if (outputPadding.h() >= Math.max(stride.h(), dilation.h())
            || outputPadding.w() >= Math.max(stride.w(), dilation.w())) {
          throw new ConvSpecException(
              "output padding must be smaller than either stride or dilation, but got"
                  + " output_padding_height: "
                  + outputPadding.h()
                  + " output_padding_width: "
                  + outputPadding.w()
                  + " stride_height: "
                  + stride.h()
                  + " stride_width: "
                  + stride.w()
                  + " dilation_height: "
                  + dilation.h()
                  + " dilation_width: "
                  + dilation.w());
        }
      }
      if (outputSize != null && (outputSize.h() < 0 || outputSize.w() < 0)) {
        throw new ConvSpecException("output_size must be non-negative, but got " + outputSize);
      }
      // Guard the arithmetic of the shape functions: products of these stay far below 2^31.
      long weightElems =
          (long) (kind.transposed() ? inChannels : outChannels)
              * ((kind.transposed() ? outChannels : inChannels) / groups)
              * kernelSize.h()
              * kernelSize.w();
      if (weightElems > Integer.MAX_VALUE / 2) {
        throw new ConvSpecException(
            m + ": weight of " + weightElems + " elements is larger than SparkConv supports");
      }
      return new ConvSpec(this);
    }
  }
}
