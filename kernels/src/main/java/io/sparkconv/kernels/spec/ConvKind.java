package io.sparkconv.kernels.spec;

/** Which PyTorch module a {@link ConvSpec} describes. */
public enum ConvKind {
  CONV2D("Conv2d"),
  CONV_TRANSPOSE2D("ConvTranspose2d");

  private final String torchName;

  ConvKind(String torchName) {
    this.torchName = torchName;
  }

  /** The module name: {@code Conv2d} or {@code ConvTranspose2d}. */
  public String torchName() {
    return torchName;
  }

  public boolean transposed() {
    return this == CONV_TRANSPOSE2D;
  }

  @Override
  public String toString() {
    return torchName;
  }
}
