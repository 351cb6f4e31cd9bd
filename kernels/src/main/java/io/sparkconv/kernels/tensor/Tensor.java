package io.sparkconv.kernels.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, C-ordered (row-major) tensor of one {@link DType}.
 *
 * <p>Storage is a plain Java array: {@code float[]} for float32 and complex64 (complex interleaved
 * re, im), {@code double[]} for float64. The array is shared, not copied, by the factories and
 * accessors: a tensor handed to a backend must not be mutated while it runs. Shapes are {@code
 * int[]} with every dimension {@code >= 0}; zero-size dimensions are allowed (an empty batch).
 */
public final class Tensor implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final DType dtype;
  private final int[] shape;
  private final float[] floats;
  private final double[] doubles;

  private Tensor(DType dtype, int[] shape, float[] floats, double[] doubles) {
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = shape.clone();
    this.floats = floats;
    this.doubles = doubles;
    long need = numel(this.shape) * dtype.lanes();
    long have = floats != null ? floats.length : doubles.length;
    if (need != have) {
      throw new IllegalArgumentException(
          "data holds "
              + have
              + " scalars but shape "
              + Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + need);
    }
  }

  /** A zero-filled tensor. */
  public static Tensor zeros(DType dtype, int... shape) {
    long n = checkedNumel(shape) * dtype.lanes();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "tensor of shape " + Arrays.toString(shape) + " is too large for one Java array");
    }
    return dtype == DType.FLOAT64
        ? new Tensor(dtype, shape, null, new double[(int) n])
        : new Tensor(dtype, shape, new float[(int) n], null);
  }

  /** Wraps (does not copy) float32 data. */
  public static Tensor ofFloats(float[] data, int... shape) {
    return new Tensor(DType.FLOAT32, checkShape(shape), data, null);
  }

  /** Wraps (does not copy) float64 data. */
  public static Tensor ofDoubles(double[] data, int... shape) {
    return new Tensor(DType.FLOAT64, checkShape(shape), null, data);
  }

  /** Wraps (does not copy) complex64 data, interleaved re, im; {@code data.length = 2·numel}. */
  public static Tensor ofComplex(float[] interleaved, int... shape) {
    return new Tensor(DType.COMPLEX64, checkShape(shape), interleaved, null);
  }

  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  public int dim() {
    return shape.length;
  }

  public int size(int d) {
    return shape[d < 0 ? shape.length + d : d];
  }

  /** Number of elements (complex: counted once per complex number). */
  public long numel() {
    return numel(shape);
  }

  /** Backing array of float32 and complex64 (interleaved) tensors; shared, not copied. */
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException("tensor of dtype " + dtype + " has no float[] storage");
    }
    return floats;
  }

  /** Backing array of float64 tensors; shared, not copied. */
  public double[] doubles() {
    if (doubles == null) {
      throw new IllegalStateException("tensor of dtype " + dtype + " has no double[] storage");
    }
    return doubles;
  }

  /** The same storage seen with another shape of equal element count. */
  public Tensor reshape(int... newShape) {
    checkShape(newShape);
    if (numel(newShape) != numel()) {
      throw new IllegalArgumentException(
          "shape '"
              + Arrays.toString(newShape)
              + "' is invalid for input of size "
              + numel()
              + " (shape "
              + Arrays.toString(shape)
              + ")");
    }
    return new Tensor(dtype, newShape, floats, doubles);
  }

  /** A deep copy. */
  public Tensor copy() {
    return new Tensor(
        dtype,
        shape,
        floats == null ? null : floats.clone(),
        doubles == null ? null : doubles.clone());
  }

  /** Scalar at flat scalar index {@code i} (complex: the i-th float of the interleaved data). */
  public double getScalar(int i) {
    return doubles != null ? doubles[i] : floats[i];
  }

  /** Number of scalars in the backing array ({@code numel · lanes}). */
  public int scalarCount() {
    return doubles != null ? doubles.length : floats.length;
  }

  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  private static long checkedNumel(int[] shape) {
    checkShape(shape);
    long n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, (long) d);
    }
    return n;
  }

  private static int[] checkShape(int[] shape) {
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
    }
    return shape;
  }

  @Override
  public String toString() {
    return "Tensor(" + dtype + ", " + Arrays.toString(shape) + ")";
  }
}
