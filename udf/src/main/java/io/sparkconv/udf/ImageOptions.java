package io.sparkconv.udf;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How an 8-bit image becomes a float tensor: {@code x = byte · scale}, then, when given, {@code (x
 * − mean[c]) / std[c]} per channel (torchvision's {@code ToTensor} then {@code Normalize}). A
 * single mean or std value applies to every channel.
 */
public record ImageOptions(double scale, double[] mean, double[] std) implements Serializable {
  /** {@code ToTensor()}: scale 1/255, no normalisation. */
  public static final ImageOptions DEFAULT = new ImageOptions(1.0 / 255.0, null, null);

  public ImageOptions {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("image scale must be a finite number > 0, got " + scale);
    }
    if (std != null) {
      for (double s : std) {
        if (!(s > 0) || Double.isInfinite(s)) {
          throw new IllegalArgumentException(
              "image std must be finite numbers > 0, got " + Arrays.toString(std));
        }
      }
    }
    mean = mean == null ? null : mean.clone();
    std = std == null ? null : std.clone();
  }

  /** Whether this is {@link #DEFAULT} (plain {@code ToTensor}). */
  public boolean isDefault() {
    return scale == DEFAULT.scale && mean == null && std == null;
  }

  /**
   * Checks that mean and std have 1 or {@code channels} values.
   *
   * @throws IllegalArgumentException naming the option and both counts
   */
  public void checkChannels(int channels) {
    check("mean", mean, channels);
    check("std", std, channels);
  }

  private static void check(String name, double[] v, int channels) {
    if (v != null && v.length != 1 && v.length != channels) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "image %s has %d values, but the model takes %d channels: give 1 or %d values",
              name,
              v.length,
              channels,
              channels));
    }
  }

  double meanOf(int c) {
    return mean == null ? 0.0 : mean[mean.length == 1 ? 0 : c];
  }

  double stdOf(int c) {
    return std == null ? 1.0 : std[std.length == 1 ? 0 : c];
  }

  /** Parses a comma-separated list such as {@code 0.485,0.456,0.406}; null for null or blank. */
  public static double[] parseList(String name, String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String[] parts = s.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "invalid " + name + " '" + s + "': expected comma-separated numbers");
      }
    }
    return out;
  }
}
