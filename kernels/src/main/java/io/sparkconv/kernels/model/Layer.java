package io.sparkconv.kernels.model;

import io.sparkconv.kernels.tensor.Tensor;

/** One step of a {@link SequentialModel}. Implementations are thread-safe. */
public interface Layer extends AutoCloseable {
  /** The layer's name in the model (its state_dict prefix), e.g. {@code "0"}. */
  String name();

  /**
   * Applies the layer to {@code (C, H, W)} or {@code (N, C, H, W)} input; unbatched in, unbatched
   * out.
   */
  Tensor forward(Tensor input);

  /**
   * As {@link #forward(Tensor)}, writing the result into a tensor kept by {@code ws} (see {@link
   * Workspace}) where the layer can; the result may belong to the workspace.
   */
  default Tensor forward(Tensor input, Workspace ws) {
    return forward(input);
  }

  /**
   * The output shape for an input shape, validating as {@link #forward} would, without computing.
   */
  int[] outputShape(int[] inputShape);

  @Override
  default void close() {}
}
