package io.sparkconv.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rows-per-file bound that keeps parquet-mr's retained statistics within budget. */
class OutputFilesTest {
  @Test
  void largeTensorsGetSmallFilesAndSmallTensorsNoLimit() {
    long map224 = 64L * 224 * 224 * 4; // 12.8 MB
    assertEquals(27, SparkConvJob.maxRecordsPerFile(map224));
    long map56 = 64L * 56 * 56 * 4; // 800 KB
    assertEquals(6987, SparkConvJob.maxRecordsPerFile(map56));
    assertEquals(0, SparkConvJob.maxRecordsPerFile(16L * 32 * 32 * 4), "64 KB rows: no limit");
    assertEquals(0, SparkConvJob.maxRecordsPerFile(0), "unknown size: no limit");
    assertEquals(1, SparkConvJob.maxRecordsPerFile(1L << 30), "a 1 GB row still gets a file");
    // Within budget: rows · 2 · rowBytes² / rowGroup ≤ 64 MB.
    long n = SparkConvJob.maxRecordsPerFile(map224);
    double retained = n * 2.0 * map224 * map224 / SparkConvJob.ROW_GROUP_BYTES;
    assertTrue(retained <= SparkConvJob.STATISTICS_BUDGET_BYTES, "retained " + retained);
  }
}
