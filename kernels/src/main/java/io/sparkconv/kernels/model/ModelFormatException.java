package io.sparkconv.kernels.model;

/** A model file or its weights that SparkConv refuses; the message names the file and the field. */
public class ModelFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
