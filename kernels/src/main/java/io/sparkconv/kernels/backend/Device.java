package io.sparkconv.kernels.backend;

import java.util.Locale;

/**
 * Where a user asks layers to run: {@code auto} (GPU when usable, else CPU), {@code cpu}, {@code
 * gpu}.
 */
public enum Device {
  AUTO,
  CPU,
  GPU;

  /**
   * Parses {@code auto}, {@code cpu} or {@code gpu}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Device parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "invalid device '" + s + "': expected one of auto, cpu, gpu");
    }
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
