package io.sparkconv.job;

import java.util.Locale;

/**
 * What a finished job did. {@code rowsIn == rowsOut + errorRows} always holds for a summary that
 * {@link SparkConvJob#run} returns (it fails otherwise).
 *
 * @param seconds wall time of the whole job, reading to last commit
 * @param modelSeconds time spent inside the model's forward passes, summed over tasks
 * @param backends the model's layers and backends as built (driver-side in local mode)
 */
public record JobSummary(
    long rowsIn,
    long rowsOut,
    long errorRows,
    double seconds,
    double modelSeconds,
    String output,
    String errors,
    String column,
    String decoder,
    String backends) {

  /** Output rows per second of wall time. */
  public double imagesPerSecond() {
    return seconds > 0 ? rowsOut / seconds : 0;
  }

  /** The lines printed at the end of {@code sparkconv run}. */
  public String render() {
    return String.format(
        Locale.ROOT,
        "sparkconv run: %d rows in, %d rows out, %d error rows in %.2f s (%.1f images/s; model"
            + " %.2f s summed over tasks)%n  input column: %s%n  model: %s%n  output: %s%n  errors:"
            + " %s",
        rowsIn,
        rowsOut,
        errorRows,
        seconds,
        imagesPerSecond(),
        modelSeconds,
        decoder,
        backends,
        output,
        errors);
  }
}
