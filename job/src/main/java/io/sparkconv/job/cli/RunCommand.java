package io.sparkconv.job.cli;

import io.sparkconv.job.JobOptions;
import io.sparkconv.job.JobSummary;
import io.sparkconv.job.SparkConvJob;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.backend.GpuAvailability;
import io.sparkconv.udf.ImageOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkconv run}: the Spark job (CONTRACTS §3 and §4). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Applies a model to one tensor column of a Parquet dataset (or a folder of images) with"
          + " Spark, writing the output dataset and an errors dataset of rows that could not be"
          + " processed.",
      "Image input: BGR(A) bytes become RGB float CHW times --scale, then (x - mean) / std; a"
          + " 4th (alpha) channel is dropped."
    })
public final class RunCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model JSON.")
  Path model;

  @Option(names = "--input", required = true, description = "Input dataset (or image folder).")
  String input;

  @Option(names = "--output", required = true, description = "Output Parquet dataset.")
  String output;

  @Option(
      names = "--column",
      description = "Tensor column (default: the single tensor or image column).")
  String column;

  @Option(
      names = "--output-column",
      defaultValue = "output",
      description = "Result column (default: ${DEFAULT-VALUE}).")
  String outputColumn;

  @Option(names = "--errors", description = "Errors dataset (default: <output>_errors).")
  String errors;

  @Option(
      names = "--batch-size",
      defaultValue = "" + JobOptions.DEFAULT_BATCH_SIZE,
      description = "Rows per model call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--master",
      description =
          "Spark master URL (default: spark-submit's, else local[*]); e.g. spark://host:7077.")
  String master;

  @Option(
      names = "--input-format",
      defaultValue = "parquet",
      description = "parquet or image (a folder of PNG/JPEG files) (default: ${DEFAULT-VALUE}).")
  String inputFormat;

  @Option(names = "--partitions", description = "Repartition the input into N partitions.")
  Integer partitions;

  @Option(
      names = "--mode",
      defaultValue = "error",
      description = "error (refuse existing outputs) or overwrite (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--max-elements",
      description = "Largest declared element count per row, input or output (default: 2^26).")
  Long maxElements;

  @Option(
      names = "--scale",
      defaultValue = "0.00392156862745098",
      description = "Image byte scale (default: 1/255).")
  double scale;

  @Option(names = "--mean", description = "Image per-channel mean, e.g. 0.485,0.456,0.406.")
  String mean;

  @Option(names = "--std", description = "Image per-channel std, e.g. 0.229,0.224,0.225.")
  String std;

  @Option(names = "--threads", description = "Threads per task (default: spark.task.cpus).")
  Integer threads;

  @Option(
      names = "--drop-input-column",
      description = "Leave the input tensor column out of the output (errors keep it).")
  boolean dropInputColumn;

  @Option(
      names = "--compression",
      description =
          "Output Parquet codec: snappy, zstd, gzip, lz4, uncompressed (default:"
              + " spark.sql.parquet.compression.codec, snappy).")
  String compression;

  /** The job options these flags describe. */
  public JobOptions options() {
    JobOptions.Builder b =
        JobOptions.builder()
            .model(model)
            .input(input)
            .output(output)
            .errors(errors)
            .column(column)
            .outputColumn(outputColumn)
            .batchSize(batchSize)
            .device(Device.parse(device))
            .inputFormat(JobOptions.InputFormat.parse(inputFormat))
            .partitions(partitions)
            .mode(JobOptions.WriteMode.parse(mode))
            .image(
                new ImageOptions(
                    scale,
                    ImageOptions.parseList("--mean", mean),
                    ImageOptions.parseList("--std", std)))
            .threads(threads)
            .dropInputColumn(dropInputColumn)
            .compression(compression);
    if (maxElements != null) {
      b.maxElements(maxElements);
    }
    return b.build();
  }

  @Override
  public Integer call() throws Exception {
    JobOptions options = options();
    String m = master != null ? master : System.getProperty("spark.master", "local[*]");
    // In local mode the executors run on this host: a GPU request it cannot honour fails now,
    // before Spark starts. On a cluster only the executors can tell, and they fail the job.
    if (options.device() == Device.GPU && m.startsWith("local") && !GpuAvailability.usable()) {
      throw new IllegalStateException("--device gpu: no usable GPU: " + GpuAvailability.reason());
    }
    boolean existing = SparkSession.getActiveSession().isDefined();
    SparkSession spark = session("sparkconv run", master);
    try {
      JobSummary s = SparkConvJob.run(spark, options);
      System.err.println(s.render());
      return 0;
    } finally {
      if (!existing) {
        spark.stop();
      }
    }
  }

  /**
   * Hadoop's local file system writes a CRC for every 512 bytes by default, and hands the file 4.6
   * KB at a time: 2,800 system calls per 12.8 MB feature map. With 64 KB checksum chunks, writing
   * the output Parquet to {@code file:} paths takes a third less time (measured with 12.8 MB rows);
   * the {@code .crc} files stay valid for Hadoop readers, which read the chunk size from each file.
   * Other file systems (HDFS, S3) ignore it.
   */
  static final String LOCAL_FS_CHECKSUM_CHUNK = "spark.hadoop.file.bytes-per-checksum";

  /**
   * A session for the command line: {@code master} when given, else spark-submit's {@code
   * spark.master}, else {@code local[*]}; Spark's console progress bar on. For a cluster master
   * outside spark-submit, the executors also need our classes and the Vector API module: unless
   * already configured, {@code spark.jars} is set to the application jar built next to this one
   * ({@code sparkconv-job-<version>-spark.jar}) and {@code spark.executor.extraJavaOptions} to
   * {@code --add-modules=jdk.incubator.vector}.
   */
  public static SparkSession session(String appName, String master) {
    String m = master != null ? master : System.getProperty("spark.master", "local[*]");
    SparkSession.Builder b =
        SparkSession.builder()
            .appName(appName)
            .master(m)
            .config("spark.ui.showConsoleProgress", "true");
    if (System.getProperty(LOCAL_FS_CHECKSUM_CHUNK) == null) {
      b.config(LOCAL_FS_CHECKSUM_CHUNK, "65536");
    }
    if (!m.startsWith("local")) {
      if (System.getProperty("spark.jars") == null) {
        Path jar = applicationJar();
        if (jar != null) {
          b.config("spark.jars", jar.toString());
        } else {
          System.err.println(
              "sparkconv: no sparkconv-job-*-spark.jar next to the job classes: executors will"
                  + " not find SparkConv's classes unless spark.jars names it (./mvnw package"
                  + " builds it)");
        }
      }
      if (System.getProperty("spark.executor.extraJavaOptions") == null) {
        b.config("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
      }
    }
    return b.getOrCreate();
  }

  /** The shaded application jar beside the jar this class was loaded from, or null. */
  static Path applicationJar() {
    try {
      Path self =
          Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      String name = self.getFileName().toString();
      if (!name.endsWith(".jar")) {
        return null;
      }
      if (name.endsWith("-spark.jar")) {
        return self;
      }
      Path shaded = self.resolveSibling(name.substring(0, name.length() - 4) + "-spark.jar");
      return java.nio.file.Files.isRegularFile(shaded) ? shaded : null;
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
