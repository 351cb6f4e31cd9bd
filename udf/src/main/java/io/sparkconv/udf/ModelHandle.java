package io.sparkconv.udf;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.DType;
import java.io.Serializable;

/**
 * What the driver broadcasts: an immutable model definition with its weights, cheap to ship, that
 * each executor turns into a {@link SequentialModel} once ({@link ExecutorModels}). Shape checks
 * need no plans, so bad rows can be classified without building anything.
 */
public interface ModelHandle extends Serializable {
  /** The dtype every layer computes in. */
  DType dtype();

  /** Channels the first convolution takes. */
  int inChannels();

  /**
   * Output shape for a {@code (C, H, W)} or {@code (N, C, H, W)} input shape, validating as the
   * model's forward pass would.
   *
   * @throws IllegalArgumentException starting with the failing layer's name
   */
  int[] outputShape(int[] inputShape);

  /** Makes the plans; call on the executor (backend probes run where this runs). */
  SequentialModel build(Device device, int threads);
}
