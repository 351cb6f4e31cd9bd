package io.sparkconv.kernels.spec;

/**
 * A layer description or an input that PyTorch would refuse. The message names the argument, the
 * value and the rule, in PyTorch's wording where PyTorch has one.
 */
public class ConvSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConvSpecException(String message) {
    super(message);
  }
}
