package io.sparkconv.job;

import java.io.Serializable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The job's accumulators. They are updated inside the write's result stage, where Spark applies
 * each partition's updates once (successful attempt only), so the totals are exact even with task
 * retries.
 */
final class JobCounters implements Serializable {
  private static final long serialVersionUID = 1L;

  final LongAccumulator rowsIn;
  final LongAccumulator rowsOut;
  final LongAccumulator errorRows;
  final LongAccumulator modelNanos;
  final LongAccumulator errorsWritten;

  JobCounters(SparkSession spark) {
    var sc = spark.sparkContext();
    rowsIn = sc.longAccumulator("sparkconv rows in");
    rowsOut = sc.longAccumulator("sparkconv rows out");
    errorRows = sc.longAccumulator("sparkconv error rows");
    modelNanos = sc.longAccumulator("sparkconv model ns");
    errorsWritten = sc.longAccumulator("sparkconv error rows written");
  }

  /** Counters outside any Spark context, for unit tests of the iterators. */
  JobCounters() {
    rowsIn = new LongAccumulator();
    rowsOut = new LongAccumulator();
    errorRows = new LongAccumulator();
    modelNanos = new LongAccumulator();
    errorsWritten = new LongAccumulator();
  }
}
