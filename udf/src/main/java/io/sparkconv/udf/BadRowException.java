package io.sparkconv.udf;

/**
 * A row the model cannot process (null tensor, wrong element count, undecodable image, shape that
 * does not fit the model, ...). The message is the one-line reason written to the errors dataset.
 * Checked on purpose: every caller decides where a bad row goes.
 */
public final class BadRowException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadRowException(String reason) {
    super(reason, null, false, false);
  }
}
