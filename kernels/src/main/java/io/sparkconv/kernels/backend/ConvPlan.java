package io.sparkconv.kernels.backend;

import io.sparkconv.kernels.spec.ConvGeometry;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.tensor.Tensor;

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

  /** Releases buffers or device memory; idempotent. */
  @Override
  void close();
}
