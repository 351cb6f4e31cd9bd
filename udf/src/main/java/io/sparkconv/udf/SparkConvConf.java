package io.sparkconv.udf;

import io.sparkconv.kernels.backend.Device;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every {@code spark.sparkconv.*} setting in one typed registry (key, doc, default, parser that
 * validates), like Spark's {@code SQLConf} and spark-rapids' {@code RapidsConf}. {@link
 * #markdownTable()} renders the docs page; {@link #from(Map)} refuses unknown keys under the
 * prefix, so a typo fails loudly instead of being ignored.
 */
public final class SparkConvConf {
  /** The prefix every key shares. */
  public static final String PREFIX = "spark.sparkconv.";

  /**
   * One setting.
   *
   * @param key full key, {@code spark.sparkconv.*}
   * @param doc one sentence for the docs table
   * @param defaultText the default as a user would write it, or null when there is none
   * @param parser parses and validates a value; throws IllegalArgumentException naming the rule
   */
  public record Entry<T>(String key, String doc, String defaultText, Function<String, T> parser) {
    /** Parses {@code raw}, prefixing any error with the key. */
    public T parse(String raw) {
      try {
        return parser.apply(raw.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid value '" + raw + "' for " + key + ": " + e.getMessage());
      }
    }
  }

  private static final Map<String, Entry<?>> ENTRIES = new LinkedHashMap<>();

  public static final Entry<String> UDF_MODEL =
      register(
          "spark.sparkconv.udf.model",
          "Model JSON that `io.sparkconv.udf.ConfiguredModelUdf` loads (on the driver, when the"
              + " function is registered).",
          null,
          v -> {
            if (v.isEmpty()) {
              throw new IllegalArgumentException("must name a model JSON file");
            }
            return v;
          });

  public static final Entry<Device> DEVICE =
      register(
          "spark.sparkconv.device",
          "Where SQL functions run the model: `auto` (GPU when usable, else CPU), `cpu` or `gpu`.",
          "auto",
          Device::parse);

  public static final Entry<Integer> THREADS =
      register(
          "spark.sparkconv.threads",
          "Intra-op threads each executor's model may use; default: `spark.task.cpus`.",
          null,
          v -> positiveInt(v));

  public static final Entry<Long> MAX_ELEMENTS =
      register(
          "spark.sparkconv.maxElements",
          "Largest declared element count (C·H·W) accepted per row, input or output; larger rows are"
              + " bad rows.",
          String.valueOf(1L << 26),
          v -> {
            long n = Long.parseLong(v);
            if (n < 1) {
              throw new IllegalArgumentException("must be >= 1");
            }
            return n;
          });

  public static final Entry<String> ON_ERROR =
      register(
          "spark.sparkconv.udf.onError",
          "What a SQL function does with a bad row: `fail` (the query fails with the reason) or"
              + " `null` (returns NULL).",
          "fail",
          v -> {
            if (!v.equals("fail") && !v.equals("null")) {
              throw new IllegalArgumentException("expected fail or null");
            }
            return v;
          });

  public static final Entry<Double> IMAGE_SCALE =
      register(
          "spark.sparkconv.image.scale",
          "Factor applied to 8-bit image values before mean/std (1/255 is torchvision's"
              + " `ToTensor`).",
          String.valueOf(1.0 / 255.0),
          v -> Double.parseDouble(v));

  public static final Entry<double[]> IMAGE_MEAN =
      register(
          "spark.sparkconv.image.mean",
          "Per-channel mean subtracted after scaling, comma-separated (1 or C values).",
          null,
          v -> ImageOptions.parseList("mean", v));

  public static final Entry<double[]> IMAGE_STD =
      register(
          "spark.sparkconv.image.std",
          "Per-channel standard deviation divided by after the mean, comma-separated (1 or C"
              + " values).",
          null,
          v -> ImageOptions.parseList("std", v));

  private final Map<String, String> values;

  private SparkConvConf(Map<String, String> values) {
    this.values = values;
  }

  private static <T> Entry<T> register(
      String key, String doc, String defaultText, Function<String, T> parser) {
    Entry<T> e = new Entry<>(key, doc, defaultText, parser);
    ENTRIES.put(key, e);
    return e;
  }

  private static int positiveInt(String v) {
    int n = Integer.parseInt(v);
    if (n < 1) {
      throw new IllegalArgumentException("must be >= 1");
    }
    return n;
  }

  /** Every registered entry, in declaration order. */
  public static List<Entry<?>> entries() {
    return List.copyOf(ENTRIES.values());
  }

  /**
   * Reads the {@code spark.sparkconv.*} keys of a Spark configuration, validating every value.
   *
   * @throws IllegalArgumentException for an unknown key under the prefix (listing the known ones)
   *     or an invalid value
   */
  public static SparkConvConf from(Map<String, String> sparkConf) {
    Map<String, String> ours = new TreeMap<>();
    for (Map.Entry<String, String> kv : sparkConf.entrySet()) {
      if (!kv.getKey().startsWith(PREFIX)) {
        continue;
      }
      Entry<?> e = ENTRIES.get(kv.getKey());
      if (e == null) {
        throw new IllegalArgumentException(
            "unknown configuration key "
                + kv.getKey()
                + "; known keys under "
                + PREFIX
                + "* are "
                + new ArrayList<>(ENTRIES.keySet()));
      }
      e.parse(kv.getValue());
      ours.put(kv.getKey(), kv.getValue());
    }
    return new SparkConvConf(Collections.unmodifiableMap(ours));
  }

  /** Reads the active session's configuration (driver side). */
  public static SparkConvConf from(org.apache.spark.sql.SparkSession spark) {
    return from(scala.collection.JavaConverters.mapAsJavaMap(spark.conf().getAll()));
  }

  /** The value of {@code e}, its default when unset, or null when it has neither. */
  public <T> T get(Entry<T> e) {
    String raw = values.get(e.key());
    if (raw == null) {
      raw = e.defaultText();
    }
    return raw == null ? null : e.parse(raw);
  }

  /** Image conversion from the {@code spark.sparkconv.image.*} keys. */
  public ImageOptions imageOptions() {
    return new ImageOptions(get(IMAGE_SCALE), get(IMAGE_MEAN), get(IMAGE_STD));
  }

  /** The docs page table: key, default, meaning. */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | default | meaning |\n|---|---|---|\n");
    for (Entry<?> e : ENTRIES.values()) {
      sb.append("| `")
          .append(e.key())
          .append("` | ")
          .append(e.defaultText() == null ? "(none)" : "`" + e.defaultText() + "`")
          .append(" | ")
          .append(e.doc())
          .append(" |\n");
    }
    return sb.toString();
  }
}
