package io.sparkconv.kernels.spec;

import java.util.Locale;

/** PyTorch's {@code padding_mode}: how the border is filled before a Conv2d. */
public enum PaddingMode {
  ZEROS,
  REFLECT,
  REPLICATE,
  CIRCULAR;

  /** The name PyTorch uses, e.g. {@code "zeros"}. */
  public String torchName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a PyTorch padding_mode.
   *
   * @throws IllegalArgumentException with PyTorch's wording
   */
  public static PaddingMode parse(String s) {
    for (PaddingMode m : values()) {
      if (m.torchName().equals(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got"
            + " padding_mode='"
            + s
            + "'");
  }

  @Override
  public String toString() {
    return torchName();
  }
}
