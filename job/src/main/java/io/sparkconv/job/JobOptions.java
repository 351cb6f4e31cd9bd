package io.sparkconv.job;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.udf.ImageOptions;
import io.sparkconv.udf.SparkConvConf;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything {@link SparkConvJob#run} needs; immutable, validated by {@link Builder#build()}. The
 * command line ({@code sparkconv run}) maps one option to one builder method.
 */
public final class JobOptions {
  /** How the input path is read. */
  public enum InputFormat {
    /** A Parquet dataset with a tensor struct, nested float array or image struct column. */
    PARQUET,
    /** A folder of image files, read into Spark's image struct (column {@code image}). */
    IMAGE;

    public static InputFormat parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(
            "invalid input format '" + s + "': expected parquet or image");
      }
    }
  }

  /** What to do when an output path exists. */
  public enum WriteMode {
    /** Refuse (the default): nothing is overwritten by accident. */
    ERROR,
    /** Replace the existing output and errors datasets. */
    OVERWRITE;

    public static WriteMode parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("invalid mode '" + s + "': expected error or overwrite");
      }
    }
  }

  /** Default rows per model call. */
  public static final int DEFAULT_BATCH_SIZE = 8;

  private final Path model;
  private final String input;
  private final String output;
  private final String errors;
  private final String column;
  private final String outputColumn;
  private final int batchSize;
  private final Device device;
  private final InputFormat inputFormat;
  private final Integer partitions;
  private final WriteMode mode;
  private final long maxElements;
  private final ImageOptions image;
  private final Integer threads;
  private final boolean dropInputColumn;
  private final String compression;
  private final boolean discardOutput;

  private JobOptions(Builder b) {
    this.model = b.model;
    this.input = b.input;
    this.output = stripSlash(b.output);
    this.errors = b.errors != null ? stripSlash(b.errors) : this.output + "_errors";
    this.column = b.column;
    this.outputColumn = b.outputColumn;
    this.batchSize = b.batchSize;
    this.device = b.device;
    this.inputFormat = b.inputFormat;
    this.partitions = b.partitions;
    this.mode = b.mode;
    this.maxElements = b.maxElements;
    this.image = b.image;
    this.threads = b.threads;
    this.dropInputColumn = b.dropInputColumn;
    this.compression = b.compression;
    this.discardOutput = b.discardOutput;
  }

  private static String stripSlash(String p) {
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The model JSON, read on the driver; may be null when a model is passed to run(). */
  public Path model() {
    return model;
  }

  public String input() {
    return input;
  }

  public String output() {
    return output;
  }

  /** The errors dataset path; {@code <output>_errors} unless set. */
  public String errors() {
    return errors;
  }

  /** The tensor column, or null to detect the single tensor-like column. */
  public String column() {
    return column;
  }

  public String outputColumn() {
    return outputColumn;
  }

  public int batchSize() {
    return batchSize;
  }

  public Device device() {
    return device;
  }

  public InputFormat inputFormat() {
    return inputFormat;
  }

  /** Partitions to repartition the input into, or null to keep the input's. */
  public Integer partitions() {
    return partitions;
  }

  public WriteMode mode() {
    return mode;
  }

  /** Largest element count accepted per row (input and output). */
  public long maxElements() {
    return maxElements;
  }

  public ImageOptions image() {
    return image;
  }

  /** Intra-op threads per task, or null for {@code spark.task.cpus}. */
  public Integer threads() {
    return threads;
  }

  /** Whether the output leaves out the input tensor column (errors always keep it). */
  public boolean dropInputColumn() {
    return dropInputColumn;
  }

  /**
   * Parquet codec of the output (e.g. {@code snappy}, {@code zstd}, {@code uncompressed}), or null
   * for {@code spark.sql.parquet.compression.codec}. Float feature maps compress poorly; with a
   * fast kernel, writing them uncompressed can be the difference in throughput.
   */
  public String compression() {
    return compression;
  }

  /**
   * Whether the outputs are computed and dropped (Spark's {@code noop} sink) instead of written;
   * for measuring the job without its Parquet writer ({@code sparkconv bench-job}). Rows are still
   * counted and the errors dataset is still written.
   */
  public boolean discardOutput() {
    return discardOutput;
  }

  /** Builder; {@link #build()} checks every value. */
  public static final class Builder {
    private Path model;
    private String input;
    private String output;
    private String errors;
    private String column;
    private String outputColumn = "output";
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Device device = Device.AUTO;
    private InputFormat inputFormat = InputFormat.PARQUET;
    private Integer partitions;
    private WriteMode mode = WriteMode.ERROR;
    private long maxElements =
        SparkConvConf.MAX_ELEMENTS.parse(SparkConvConf.MAX_ELEMENTS.defaultText());
    private ImageOptions image = ImageOptions.DEFAULT;
    private Integer threads;
    private boolean dropInputColumn;
    private String compression;
    private boolean discardOutput;

    private Builder() {}

    public Builder discardOutput(boolean v) {
      this.discardOutput = v;
      return this;
    }

    public Builder compression(String v) {
      if (v != null
          && !java.util.Set.of(
                  "none", "uncompressed", "snappy", "gzip", "lzo", "brotli", "lz4", "zstd")
              .contains(v.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "invalid --compression '"
                + v
                + "': expected one of none, uncompressed, snappy, gzip, lz4, zstd");
      }
      this.compression = v == null ? null : v.toLowerCase(Locale.ROOT);
      return this;
    }

    public Builder model(Path v) {
      this.model = v;
      return this;
    }

    public Builder input(String v) {
      this.input = v;
      return this;
    }

    public Builder output(String v) {
      this.output = v;
      return this;
    }

    public Builder errors(String v) {
      this.errors = v;
      return this;
    }

    public Builder column(String v) {
      this.column = v;
      return this;
    }

    public Builder outputColumn(String v) {
      this.outputColumn = v;
      return this;
    }

    public Builder batchSize(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("--batch-size must be >= 1, got " + v);
      }
      this.batchSize = v;
      return this;
    }

    public Builder device(Device v) {
      this.device = Objects.requireNonNull(v, "device");
      return this;
    }

    public Builder inputFormat(InputFormat v) {
      this.inputFormat = Objects.requireNonNull(v, "inputFormat");
      return this;
    }

    public Builder partitions(Integer v) {
      if (v != null && v < 1) {
        throw new IllegalArgumentException("--partitions must be >= 1, got " + v);
      }
      this.partitions = v;
      return this;
    }

    public Builder mode(WriteMode v) {
      this.mode = Objects.requireNonNull(v, "mode");
      return this;
    }

    public Builder maxElements(long v) {
      if (v < 1) {
        throw new IllegalArgumentException("--max-elements must be >= 1, got " + v);
      }
      this.maxElements = v;
      return this;
    }

    public Builder image(ImageOptions v) {
      this.image = Objects.requireNonNull(v, "image");
      return this;
    }

    public Builder threads(Integer v) {
      if (v != null && v < 1) {
        throw new IllegalArgumentException("--threads must be >= 1, got " + v);
      }
      this.threads = v;
      return this;
    }

    public Builder dropInputColumn(boolean v) {
      this.dropInputColumn = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the missing or conflicting option
     */
    public JobOptions build() {
      require(input, "--input");
      require(output, "--output");
      if (outputColumn == null || outputColumn.isBlank()) {
        throw new IllegalArgumentException("--output-column must not be empty");
      }
      JobOptions o = new JobOptions(this);
      if (o.output.equals(stripSlash(o.input)) || o.errors.equals(stripSlash(o.input))) {
        throw new IllegalArgumentException(
            "--output and --errors must differ from --input (" + o.input + ")");
      }
      if (o.output.equals(o.errors)) {
        throw new IllegalArgumentException("--errors must differ from --output (" + o.output + ")");
      }
      return o;
    }

    private static void require(Object v, String name) {
      if (v == null || v.toString().isBlank()) {
        throw new IllegalArgumentException("missing required option " + name);
      }
    }
  }
}
