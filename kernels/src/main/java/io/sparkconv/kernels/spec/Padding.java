package io.sparkconv.kernels.spec;

import java.util.Objects;

/**
 * The {@code padding} argument: explicit {@code (h, w)} (symmetric: h rows above and below, w
 * columns left and right), or one of PyTorch's strings {@code "valid"} (no padding) and {@code
 * "same"} (output size = input size; stride must be 1; an odd total goes to the bottom/right).
 */
public final class Padding implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** {@code padding="valid"}. */
  public static final Padding VALID = new Padding(Kind.VALID, 0, 0);

  /** {@code padding="same"}. */
  public static final Padding SAME = new Padding(Kind.SAME, 0, 0);

  /** How the padding was given. */
  public enum Kind {
    EXPLICIT,
    VALID,
    SAME
  }

  private final Kind kind;
  private final int h;
  private final int w;

  private Padding(Kind kind, int h, int w) {
    this.kind = kind;
    this.h = h;
    this.w = w;
  }

  /** {@code padding=p}. Negative values are kept here and refused by {@link ConvSpec}. */
  public static Padding of(int both) {
    return new Padding(Kind.EXPLICIT, both, both);
  }

  /** {@code padding=(h, w)}. */
  public static Padding of(int h, int w) {
    return new Padding(Kind.EXPLICIT, h, w);
  }

  /**
   * Parses a padding string as PyTorch accepts it.
   *
   * @throws IllegalArgumentException with PyTorch's wording for anything but valid/same
   */
  public static Padding parse(String s) {
    switch (Objects.requireNonNull(s, "padding")) {
      case "valid":
        return VALID;
      case "same":
        return SAME;
      default:
        throw new IllegalArgumentException(
            "Invalid padding string '" + s + "', should be one of {'valid', 'same'}");
    }
  }

  public Kind kind() {
    return kind;
  }

  /** Rows of padding on each side; only meaningful for {@link Kind#EXPLICIT}. */
  public int h() {
    return h;
  }

  /** Columns of padding on each side; only meaningful for {@link Kind#EXPLICIT}. */
  public int w() {
    return w;
  }

  public boolean isExplicit() {
    return kind == Kind.EXPLICIT;
  }

  private Object readResolve() {
    return switch (kind) {
      case VALID -> VALID;
      case SAME -> SAME;
      case EXPLICIT -> this;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Padding p && p.kind == kind && p.h == h && p.w == w;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, h, w);
  }

  /** PyTorch's repr: {@code 'same'}, {@code 'valid'} or {@code (1, 2)}. */
  @Override
  public String toString() {
    return switch (kind) {
      case VALID -> "'valid'";
      case SAME -> "'same'";
      case EXPLICIT -> "(" + h + ", " + w + ")";
    };
  }
}
