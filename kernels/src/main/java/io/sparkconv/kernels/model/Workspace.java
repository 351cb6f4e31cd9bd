package io.sparkconv.kernels.model;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Output tensors of one caller's forward passes, kept between passes so that a steady stream of
 * equal-shaped batches allocates (and zeroes) no layer output: a 64×224×224 float32 feature map is
 * 12.8 MB, and clearing a fresh one costs about as much as a third of the convolution that fills
 * it.
 *
 * <p>One tensor per layer; it is replaced when the shape or dtype changes. Not thread-safe: each
 * task or thread keeps its own. A tensor returned by {@link SequentialModel#forward(Tensor,
 * Workspace)} belongs to the workspace and is overwritten by the next pass through it.
 */
public final class Workspace {
  private final Map<Layer, Tensor> slots = new IdentityHashMap<>();

  /**
   * The output tensor of {@code layer} for this dtype and shape: the one kept from the last pass
   * when it matches (its contents are stale: the layer overwrites every element), else a new one.
   */
  public Tensor output(Layer layer, DType dtype, int[] shape) {
    Tensor t = slots.get(layer);
    if (t == null || t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
      slots.remove(layer); // the old one can go before its replacement is allocated
      t = Tensor.zeros(dtype, shape);
      slots.put(layer, t);
    }
    return t;
  }
}
