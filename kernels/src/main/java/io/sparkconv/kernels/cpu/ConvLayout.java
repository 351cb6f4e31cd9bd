package io.sparkconv.kernels.cpu;

import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvSpec;

/**
 * The spec-level sizes a CPU kernel packs weights for (no input sizes): what stays fixed between
 * runs of a plan. Channels may differ from the user's spec (complex64 runs as a real convolution
 * with twice the channels).
 *
 * @param padH for ConvTranspose2d the {@code padding} argument (phases depend on it); 0 for Conv2d,
 *     whose padding is read from each run's geometry
 */
record ConvLayout(
    boolean transposed,
    int inC,
    int outC,
    int groups,
    int kH,
    int kW,
    int sH,
    int sW,
    int dH,
    int dW,
    int padH,
    int padW) {

  static ConvLayout of(ConvSpec spec, int channelFactor) {
    return new ConvLayout(
        spec.transposed(),
        spec.inChannels() * channelFactor,
        spec.outChannels() * channelFactor,
        spec.groups(),
        spec.kernelSize().h(),
        spec.kernelSize().w(),
        spec.stride().h(),
        spec.stride().w(),
        spec.dilation().h(),
        spec.dilation().w(),
        spec.transposed() ? spec.padding().h() : 0,
        spec.transposed() ? spec.padding().w() : 0);
  }

  int inCPerGroup() {
    return inC / groups;
  }

  int outCPerGroup() {
    return outC / groups;
  }

  /** Checks that a run's geometry is the problem this layout was packed for. */
  void check(ConvGeometry g, int channelFactor) {
    boolean ok =
        g.transposed() == transposed
            && g.inC() * channelFactor == inC
            && g.outC() * channelFactor == outC
            && g.groups() == groups
            && g.kH() == kH
            && g.kW() == kW
            && g.sH() == sH
            && g.sW() == sW
            && g.dH() == dH
            && g.dW() == dW
            && (!transposed || (g.padTop() == padH && g.padLeft() == padW));
    if (!ok) {
      throw new IllegalArgumentException(
          "geometry " + g + " does not match the planned layer " + this);
    }
    if (g.needsPrePadding()) {
      throw new IllegalArgumentException(
          "input must be pre-padded for padding_mode=" + g.paddingMode().torchName());
    }
  }
}
