package io.sparkconv.kernels.model;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code nn.Sequential} of convolutions and element-wise layers with their plans built: the
 * object an executor keeps for its lifetime. Thread-safe; close it to release plan buffers.
 */
public final class SequentialModel implements AutoCloseable {
  private final DType dtype;
  private final List<Layer> layers;

  public SequentialModel(DType dtype, List<Layer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one layer");
    }
    this.dtype = dtype;
    this.layers = List.copyOf(layers);
  }

  public DType dtype() {
    return dtype;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Input channels the first convolution expects. */
  public int inChannels() {
    for (Layer l : layers) {
      if (l instanceof ConvLayer c) {
        return c.spec().inChannels();
      }
    }
    throw new IllegalStateException("model has no convolution");
  }

  /**
   * Runs every layer in order on {@code (C, H, W)} or {@code (N, C, H, W)} input.
   *
   * @throws IllegalArgumentException (or its subclass ConvSpecException) naming the layer when the
   *     input does not fit it; nothing is computed in that case when the shapes are wrong
   */
  public Tensor forward(Tensor input) {
    return forward(input, null);
  }

  /**
   * As {@link #forward(Tensor)}, with the layers' outputs kept in {@code ws} from one call to the
   * next (the hot path of a stream of batches): the returned tensor belongs to the workspace and is
   * valid until the next call with it. Each thread uses its own workspace; null: fresh outputs.
   */
  public Tensor forward(Tensor input, Workspace ws) {
    outputShape(input.shape());
    Tensor x = input;
    for (Layer l : layers) {
      x = l.forward(x, ws);
    }
    return x;
  }

  /**
   * The output shape for an input shape, checking every layer first.
   *
   * @throws IllegalArgumentException prefixed with the failing layer's name and module
   */
  public int[] outputShape(int[] inputShape) {
    int[] s = inputShape;
    for (Layer l : layers) {
      try {
        s = l.outputShape(s);
      } catch (IllegalArgumentException e) {
        throw new LayerException(l, e);
      }
    }
    return s;
  }

  /** One line per layer: name, spec and backend. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Layer l : layers) {
      out.add(l.toString());
    }
    return out;
  }

  @Override
  public void close() {
    for (Layer l : layers) {
      l.close();
    }
  }

  /** An input that does not fit a layer; the message starts with the layer's name. */
  public static final class LayerException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    LayerException(Layer layer, IllegalArgumentException cause) {
      super("layer '" + layer.name() + "': " + cause.getMessage(), cause);
    }
  }
}
