package io.sparkconv.kernels.tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * Element types SparkConv computes in. Names are PyTorch's ({@code torch.float32} is {@code
 * "float32"}); {@link #safetensorsCode()} is the dtype string safetensors files use.
 *
 * <p>complex64 is stored interleaved (re, im) in a {@code float[]}: one element is two floats.
 */
public enum DType {
  FLOAT32("float32", "F32", 4, false),
  FLOAT64("float64", "F64", 8, false),
  COMPLEX64("complex64", "C64", 8, true);

  private final String torchName;
  private final String safetensorsCode;
  private final int byteSize;
  private final boolean complex;

  DType(String torchName, String safetensorsCode, int byteSize, boolean complex) {
    this.torchName = torchName;
    this.safetensorsCode = safetensorsCode;
    this.byteSize = byteSize;
    this.complex = complex;
  }

  /** PyTorch's name without the {@code torch.} prefix, e.g. {@code float32}. */
  public String torchName() {
    return torchName;
  }

  public String safetensorsCode() {
    return safetensorsCode;
  }

  /** Bytes per element (complex64: 8, two float32). */
  public int byteSize() {
    return byteSize;
  }

  public boolean isComplex() {
    return complex;
  }

  /** Scalars per element in the backing array: 2 for complex, else 1. */
  public int lanes() {
    return complex ? 2 : 1;
  }

  /**
   * Parses a dtype name as users write it: {@code float32}, {@code float}, {@code torch.float32},
   * {@code float64}, {@code double}, {@code complex64}, {@code cfloat}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static DType parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.startsWith("torch.")) {
      n = n.substring("torch.".length());
    }
    switch (n) {
      case "float32":
      case "float":
        return FLOAT32;
      case "float64":
      case "double":
        return FLOAT64;
      case "complex64":
      case "cfloat":
        return COMPLEX64;
      default:
        throw new IllegalArgumentException(
            "unsupported dtype '"
                + name
                + "': expected one of "
                + Arrays.toString(new String[] {"float32", "float64", "complex64"}));
    }
  }

  @Override
  public String toString() {
    return torchName;
  }
}
