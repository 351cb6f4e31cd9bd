package io.sparkconv.udf;

import io.sparkconv.kernels.tensor.Tensor;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The validation every row goes through, shared by the job and the SQL functions so that both
 * accept and refuse exactly the same rows: decode (null, dtype, shape, data length, image),
 * declared size against the limit, conversion to the model's dtype, then the model's own shape
 * check (channel count, too small for the kernel, ...). No convolution runs here.
 */
public final class TensorInput implements Serializable {
  private static final long serialVersionUID = 1L;

  private final InputDecoder decoder;
  private final ModelHandle model;
  private final long maxElements;

  public TensorInput(InputDecoder decoder, ModelHandle model, long maxElements) {
    if (maxElements < 1) {
      throw new IllegalArgumentException("max elements must be >= 1, got " + maxElements);
    }
    this.decoder = decoder;
    this.model = model;
    this.maxElements = maxElements;
  }

  public InputDecoder decoder() {
    return decoder;
  }

  /** A decoded input in the model's dtype and the output shape the model will give it. */
  public record Prepared(Tensor input, int[] outputShape) {}

  /** Validates and decodes one column value. */
  public Prepared prepare(Object value) throws BadRowException {
    Tensor t = decoder.decodeValue(value, model.dtype(), maxElements);
    int[] out;
    try {
      out = model.outputShape(t.shape());
    } catch (IllegalArgumentException e) {
      throw decoder.bad(
          "input of shape %s does not fit the model: %s",
          Arrays.toString(t.shape()), e.getMessage());
    }
    long n = Tensor.numel(out);
    if (n > maxElements || n * model.dtype().lanes() > InputDecoder.MAX_ARRAY) {
      throw decoder.bad(
          "output shape %s has %d elements, above the limit of %d (max elements per row)",
          Arrays.toString(out), n, maxElements);
    }
    return new Prepared(t, out);
  }
}
