package io.sparkconv.kernels.model;

import io.sparkconv.kernels.spec.ConvSpec;
import java.io.Serializable;
import java.util.Objects;

/**
 * One entry of a model's {@code layers}: a convolution ({@link #conv()} non-null) or an
 * element-wise activation ({@link #activation()} non-null).
 */
public record LayerDefinition(
    String name, ConvSpec conv, Activation.Kind activation, double negativeSlope)
    implements Serializable {
  public LayerDefinition {
    Objects.requireNonNull(name, "name");
    if ((conv == null) == (activation == null)) {
      throw new IllegalArgumentException("a layer is either a convolution or an activation");
    }
  }

  public static LayerDefinition conv(String name, ConvSpec spec) {
    return new LayerDefinition(name, spec, null, 0);
  }

  public static LayerDefinition activation(String name, Activation.Kind kind, double slope) {
    return new LayerDefinition(name, null, kind, slope);
  }

  public boolean isConv() {
    return conv != null;
  }

  /** The module's name as PyTorch prints it, e.g. {@code Conv2d} or {@code LeakyReLU}. */
  public String typeName() {
    return isConv() ? conv.kind().torchName() : activation.torchName();
  }
}
