package io.sparkconv.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.backend.Device;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkConvConfTest {
  @Test
  void valuesAreTypedWithDefaults() {
    SparkConvConf c =
        SparkConvConf.from(
            Map.of(
                "spark.sparkconv.device", "CPU",
                "spark.sparkconv.image.mean", "0.485, 0.456,0.406",
                "spark.master", "local[2]"));
    assertEquals(Device.CPU, c.get(SparkConvConf.DEVICE));
    assertArrayEquals(new double[] {0.485, 0.456, 0.406}, c.get(SparkConvConf.IMAGE_MEAN));
    assertEquals(1L << 26, c.get(SparkConvConf.MAX_ELEMENTS));
    assertEquals("fail", c.get(SparkConvConf.ON_ERROR));
    assertNull(c.get(SparkConvConf.UDF_MODEL));
    assertNull(c.imageOptions().std());
  }

  @Test
  void unknownKeysAndBadValuesAreErrors() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SparkConvConf.from(Map.of("spark.sparkconv.devise", "cpu")));
    assertTrue(
        e.getMessage()
            .startsWith(
                "unknown configuration key spark.sparkconv.devise; known keys under"
                    + " spark.sparkconv.* are [spark.sparkconv.udf.model, spark.sparkconv.device,"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SparkConvConf.from(Map.of("spark.sparkconv.udf.onError", "skip")));
    assertEquals(
        "invalid value 'skip' for spark.sparkconv.udf.onError: expected fail or null",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SparkConvConf.from(Map.of("spark.sparkconv.maxElements", "0")));
    assertEquals("invalid value '0' for spark.sparkconv.maxElements: must be >= 1", e.getMessage());
  }

  @Test
  void theDocsTableListsEveryKey() {
    String table = SparkConvConf.markdownTable();
    assertTrue(table.startsWith("| key | default | meaning |\n|---|---|---|\n"), table);
    for (SparkConvConf.Entry<?> e : SparkConvConf.entries()) {
      assertTrue(table.contains("| `" + e.key() + "` |"), e.key());
    }
    assertTrue(table.contains("| `spark.sparkconv.udf.onError` | `fail` |"), table);
    assertEquals(SparkConvConf.entries().size() + 2, table.split("\n").length);
  }

  @Test
  void theDocsPageHoldsTheCurrentTable() throws Exception {
    java.nio.file.Path page = java.nio.file.Path.of("..", "docs", "configuration.md");
    String text = java.nio.file.Files.readString(page);
    String begin = "<!-- BEGIN GENERATED TABLE -->\n";
    String end = "<!-- END GENERATED TABLE -->";
    String inPage = text.substring(text.indexOf(begin) + begin.length(), text.indexOf(end));
    assertEquals(
        SparkConvConf.markdownTable(),
        inPage,
        "docs/configuration.md is stale: paste SparkConvConf.markdownTable() between the markers");
  }
}
