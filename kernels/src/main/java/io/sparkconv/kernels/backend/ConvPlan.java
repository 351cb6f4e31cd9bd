package io.sparkconv.kernels.backend;

import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Arrays;

/**
 * A convolution with its weights prepared, ready to run batches (the oneDNN primitive, the XNNPACK
 * operator). Built once per executor JVM and layer; {@link #run} is the hot path.
 *
 * <p>Threading: {@link #run} may be called from several threads at once.
 */
public interface ConvPlan extends AutoCloseable {
  ConvSpec spec();

  /** The backend that made this plan, e.g. for tests asserting which path ran. */
  String backendName();

  /**
   * Runs one batch.
   *
   * @param input {@code (n, inC, inH, inW)} of {@code geometry}, in the spec's dtype
   * @param geometry from {@link io.sparkconv.kernels.spec.ConvShapes#geometry}, with any
   *     reflect/replicate/circular padding already applied ({@link ConvGeometry#needsPrePadding()}
   *     false)
   * @return a new tensor of {@link ConvGeometry#outputShape()}
   */
  Tensor run(Tensor input, ConvGeometry geometry);

  /**
   * Runs one batch into a caller-owned output (reused across batches, so the hot path allocates and
   * zeroes no output tensor). Every element of {@code output} is overwritten; its previous contents
   * do not matter.
   *
   * <p>This default runs {@link #run} and copies; backends override it to write in place.
   *
   * @param output of {@link ConvGeometry#outputShape()} in the spec's dtype
   * @return {@code output}
   */
  default Tensor runInto(Tensor input, ConvGeometry geometry, Tensor output) {
    checkOutput(spec(), geometry, output);
    Tensor y = run(input, geometry);
    if (y.dtype() == DType.FLOAT64) {
      System.arraycopy(y.doubles(), 0, output.doubles(), 0, y.scalarCount());
    } else {
      System.arraycopy(y.floats(), 0, output.floats(), 0, y.scalarCount());
    }
    return output;
  }

  /** Throws unless {@code output} has the geometry's output shape and the spec's dtype. */
  static void checkOutput(ConvSpec spec, ConvGeometry geometry, Tensor output) {
    if (output.dtype() != spec.dtype() || !Arrays.equals(output.shape(), geometry.outputShape())) {
      throw new IllegalArgumentException(
          "output must be "
              + spec.dtype()
              + " of shape "
              + Arrays.toString(geometry.outputShape())
              + ", got "
              + output.dtype()
              + " of shape "
              + Arrays.toString(output.shape()));
    }
  }

  /** Releases buffers or device memory; idempotent. */
  @Override
  void close();
}
