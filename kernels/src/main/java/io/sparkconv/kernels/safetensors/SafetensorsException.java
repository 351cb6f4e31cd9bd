package io.sparkconv.kernels.safetensors;

import java.io.IOException;

/**
 * A file that is not a valid safetensors file, or one SparkConv will not load (a PyTorch pickle, an
 * integer dtype). The message is one line: the file's name, then what is wrong with it.
 */
public class SafetensorsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String displayName;
  private final String problem;

  /**
   * @param displayName the file as the user named it (a path or a label)
   * @param problem what is wrong, naming the offending key and value
   */
  public SafetensorsException(String displayName, String problem) {
    this(displayName, problem, null);
  }

  public SafetensorsException(String displayName, String problem, Throwable cause) {
    super(displayName + ": " + problem, cause);
    this.displayName = displayName;
    this.problem = problem;
  }

  /** The file as the user named it. */
  public String displayName() {
    return displayName;
  }

  /** The message without the file name. */
  public String problem() {
    return problem;
  }
}
