package io.sparkconv.job.cli;

import io.sparkconv.job.JobOptions;
import io.sparkconv.udf.BadRowException;
import io.sparkconv.udf.ImageFiles;
import io.sparkconv.udf.ImageOptions;
import io.sparkconv.udf.InputDecoder;
import io.sparkconv.udf.TensorColumns;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkconv import}: a folder of images to a Parquet dataset of {@code path} (string,
 * relative to the folder) and {@code image} (the CONTRACTS §4 tensor struct, float32 RGB (C, H, W),
 * the same conversion as {@code sparkconv run --input-format image}).
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Converts a folder of images (PNG, JPEG, ...) into a Parquet dataset with columns path and"
          + " image (tensor struct: float32 RGB C,H,W; byte * scale, then (x - mean) / std;"
          + " alpha dropped, gray stays one channel).",
      "Files that are not decodable images stop the import with their names, unless"
          + " --skip-invalid."
    })
public final class ImportCommand implements Callable<Integer> {
  /** Column names of the dataset written. */
  public static final String PATH_COLUMN = "path";

  public static final String IMAGE_COLUMN = "image";

  @Option(names = "--images", required = true, description = "Folder of image files.")
  String images;

  @Option(names = "--output", required = true, description = "Parquet dataset to write.")
  String output;

  @Option(
      names = "--mode",
      defaultValue = "error",
      description = "error (refuse an existing output) or overwrite (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--skip-invalid",
      description = "Leave out files that are not decodable images (listed on stderr).")
  boolean skipInvalid;

  @Option(
      names = "--scale",
      defaultValue = "0.00392156862745098",
      description = "Byte scale (default: 1/255).")
  double scale;

  @Option(names = "--mean", description = "Per-channel mean, e.g. 0.485,0.456,0.406.")
  String mean;

  @Option(names = "--std", description = "Per-channel std, e.g. 0.229,0.224,0.225.")
  String std;

  @Option(names = "--master", description = "Spark master URL (default: local[*]).")
  String master;

  /** Schema of the written dataset. */
  public static final StructType SCHEMA =
      new StructType()
          .add(PATH_COLUMN, DataTypes.StringType, false)
          .add(IMAGE_COLUMN, TensorColumns.TENSOR_TYPE, true);

  private static final StructType WITH_REASON = SCHEMA.add("reason", DataTypes.StringType, true);

  @Override
  public Integer call() throws Exception {
    JobOptions.WriteMode m = JobOptions.WriteMode.parse(mode);
    ImageOptions options =
        new ImageOptions(
            scale, ImageOptions.parseList("--mean", mean), ImageOptions.parseList("--std", std));
    boolean existing = SparkSession.getActiveSession().isDefined();
    SparkSession spark = RunCommand.session("sparkconv import", master);
    try {
      long n = importImages(spark, images, output, m, options, skipInvalid);
      System.err.println("sparkconv import: wrote " + n + " images to " + output);
      return 0;
    } finally {
      if (!existing) {
        spark.stop();
      }
    }
  }

  /**
   * Converts every image under {@code dir} and writes the dataset; returns the rows written.
   *
   * @throws IllegalArgumentException when the output exists (mode error) or, unless {@code
   *     skipInvalid}, when some files are not decodable images (naming up to 10 of them)
   */
  public static long importImages(
      SparkSession spark,
      String dir,
      String output,
      JobOptions.WriteMode mode,
      ImageOptions options,
      boolean skipInvalid)
      throws java.io.IOException {
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
    FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (mode == JobOptions.WriteMode.ERROR && fs.exists(out)) {
      throw new IllegalArgumentException(
          "output path " + output + " already exists; pass --mode overwrite to replace it");
    }
    InputDecoder decoder = InputDecoder.forType(IMAGE_COLUMN, TensorColumns.IMAGE_TYPE, options);
    // Paths are stored relative to the folder, so a dataset does not carry this machine's layout.
    org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(dir);
    String prefix =
        base.getFileSystem(spark.sparkContext().hadoopConfiguration())
                .makeQualified(base)
                .toString()
            + "/";
    Dataset<Row> converted =
        ImageFiles.read(spark, dir)
            .map(
                (MapFunction<Row, Row>)
                    r -> {
                      Row img = r.getStruct(0);
                      String origin = img.getString(0);
                      String path =
                          origin.startsWith(prefix) ? origin.substring(prefix.length()) : origin;
                      try {
                        return RowFactory.create(
                            path,
                            TensorColumns.toRow(decoder.decodeValue(img, null, Long.MAX_VALUE)),
                            null);
                      } catch (BadRowException e) {
                        return RowFactory.create(path, null, e.getMessage());
                      }
                    },
                Encoders.row(WITH_REASON));
    // Listing the bad files decodes every image once more; import is a one-off tool, and refusing
    // before anything is written beats deleting a half-written dataset.
    List<Row> bad =
        converted
            .filter(functions.col("reason").isNotNull())
            .select(PATH_COLUMN, "reason")
            .collectAsList();
    if (!bad.isEmpty()) {
      String names =
          bad.stream().limit(10).map(r -> r.getString(0)).collect(Collectors.joining(", "));
      if (!skipInvalid) {
        throw new IllegalArgumentException(
            bad.size()
                + " file(s) under "
                + dir
                + " are not decodable images: "
                + names
                + (bad.size() > 10 ? ", ..." : "")
                + " (pass --skip-invalid to leave them out)");
      }
      System.err.println(
          "sparkconv import: skipping " + bad.size() + " file(s) that are not images: " + names);
    }
    Dataset<Row> good =
        converted.filter(functions.col("reason").isNull()).select(PATH_COLUMN, IMAGE_COLUMN);
    good.write()
        .mode(mode == JobOptions.WriteMode.OVERWRITE ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
        .parquet(output);
    return spark.read().parquet(output).count();
  }
}
