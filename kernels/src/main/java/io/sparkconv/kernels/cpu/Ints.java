package io.sparkconv.kernels.cpu;

/** Integer helpers for block counts. */
final class Ints {
  private Ints() {}

  /** {@code ⌈a / b⌉} for {@code a >= 0, b > 0}. */
  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** The smallest multiple of {@code b} that is {@code >= a}. */
  static int roundUp(int a, int b) {
    return ceilDiv(a, b) * b;
  }
}
