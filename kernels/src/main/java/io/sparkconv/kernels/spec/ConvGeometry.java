package io.sparkconv.kernels.spec;

/**
 * One convolution problem fully resolved against a batched input: every size a kernel needs, with
 * zero padding given per side. Built only by {@link ConvShapes#geometry}, which validates.
 *
 * <p>Glossary: n batch; inC/outC channels; inH/inW input rows/columns as the kernel sees them
 * (after any reflect/replicate/circular pre-padding, see {@link #prePadded()}); outH/outW output
 * rows/columns; kH/kW kernel; sH/sW stride; dH/dW dilation; padTop/padLeft zero padding before (for
 * ConvTranspose2d: the {@code padding} argument, which crops the full output); padBottom/padRight
 * after (Conv2d only; a transposed output's extent is outH/outW).
 *
 * <p>Index maps: Conv2d {@code ih = oh·sH − padTop + kh·dH}; ConvTranspose2d {@code oh = ih·sH −
 * padTop + kh·dH}; out-of-range positions read zero (Conv2d) or are dropped (transposed).
 *
 * @param paddingMode the spec's padding mode; non-zeros modes must be applied to the input first
 *     (see {@link #prePadded()}), after which kernels see only zero padding
 */
public record ConvGeometry(
    ConvKind kind,
    int n,
    int inC,
    int inH,
    int inW,
    int outC,
    int outH,
    int outW,
    int kH,
    int kW,
    int sH,
    int sW,
    int dH,
    int dW,
    int padTop,
    int padBottom,
    int padLeft,
    int padRight,
    int groups,
    PaddingMode paddingMode) {

  public boolean transposed() {
    return kind.transposed();
  }

  /** Input channels per group. */
  public int inCPerGroup() {
    return inC / groups;
  }

  /** Output channels per group. */
  public int outCPerGroup() {
    return outC / groups;
  }

  /** Output shape {@code (n, outC, outH, outW)}. */
  public int[] outputShape() {
    return new int[] {n, outC, outH, outW};
  }

  /** Input shape {@code (n, inC, inH, inW)} as the kernel reads it. */
  public int[] inputShape() {
    return new int[] {n, inC, inH, inW};
  }

  /** Whether the input must first be padded by {@link io.sparkconv.kernels.backend.Pad}. */
  public boolean needsPrePadding() {
    return paddingMode != PaddingMode.ZEROS && (padTop | padBottom | padLeft | padRight) != 0;
  }

  /**
   * The geometry after the input was padded explicitly with {@link #paddingMode()}: the input grows
   * by the padding and the kernel sees no padding.
   */
  public ConvGeometry prePadded() {
    return new ConvGeometry(
        kind,
        n,
        inC,
        inH + padTop + padBottom,
        inW + padLeft + padRight,
        outC,
        outH,
        outW,
        kH,
        kW,
        sH,
        sW,
        dH,
        dW,
        0,
        0,
        0,
        0,
        groups,
        PaddingMode.ZEROS);
  }

  /**
   * Floating-point operations as PyTorch's profiler counts them: Conv2d {@code 2·N·outC·outH·outW·
   * (inC/groups)·kH·kW}; ConvTranspose2d {@code 2·N·inC·inH·inW·(outC/groups)·kH·kW}.
   */
  public double flops() {
    return transposed()
        ? 2.0 * n * inC * inH * inW * outCPerGroup() * kH * kW
        : 2.0 * n * outC * outH * outW * inCPerGroup() * kH * kW;
  }

  /** benchdnn form, e.g. {@code mb8ic64ih56iw56_oc64oh56ow56_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1}. */
  @Override
  public String toString() {
    return (transposed() ? "deconv_" : "conv_")
        + "mb"
        + n
        + "ic"
        + inC
        + "ih"
        + inH
        + "iw"
        + inW
        + "_oc"
        + outC
        + "oh"
        + outH
        + "ow"
        + outW
        + "_kh"
        + kH
        + "kw"
        + kW
        + "_sh"
        + sH
        + "sw"
        + sW
        + "_pt"
        + padTop
        + "pb"
        + padBottom
        + "pl"
        + padLeft
        + "pr"
        + padRight
        + "_dh"
        + dH
        + "dw"
        + dW
        + "_g"
        + groups
        + (paddingMode == PaddingMode.ZEROS ? "" : "_" + paddingMode.torchName());
  }
}
