package io.sparkconv.kernels.spec;

/**
 * A (height, width) pair, as PyTorch's {@code _pair}: an int argument {@code k} means {@code (k,
 * k)}.
 */
public record Size2(int h, int w) implements java.io.Serializable {
  public static Size2 of(int both) {
    return new Size2(both, both);
  }

  public static Size2 of(int h, int w) {
    return new Size2(h, w);
  }

  /** PyTorch's tuple form, e.g. {@code (3, 3)}. */
  @Override
  public String toString() {
    return "(" + h + ", " + w + ")";
  }
}
