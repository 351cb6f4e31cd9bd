package io.sparkconv.udf;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a folder of images (PNG, JPEG, BMP, GIF: whatever {@code javax.imageio} decodes) into one
 * column {@code image} with exactly the struct and byte layout of Spark's image source ({@code
 * spark.read.format("image")}, spark-mllib's {@code ImageSchema.decode}): {@code origin, height,
 * width, nChannels, mode, data}, data BGR(A) row-wise. Files that do not decode are kept as Spark's
 * invalid rows ({@code -1} sizes, empty data) so that the job reports them as error rows.
 *
 * <p>Why not spark-mllib's source itself: it drags spark-mllib, spark-mllib-local, spark-graphx and
 * spark-streaming onto every class path for one decoder, and those artifacts are not published at
 * the Spark version this build uses in its repository. Data read by Spark's own image source is
 * accepted all the same (the decoder matches the struct by field names).
 */
public final class ImageFiles {
  /** The column name Spark's image source uses. */
  public static final String COLUMN = "image";

  /** Schema of the dataset {@link #read} returns. */
  public static final StructType SCHEMA =
      new StructType().add(COLUMN, TensorColumns.IMAGE_TYPE, true);

  private ImageFiles() {}

  /**
   * Lists the files under {@code path} (recursively, hidden files skipped) and decodes each into
   * one row. Lazy: files are read and decoded by the tasks that consume the rows.
   */
  public static Dataset<Row> read(SparkSession spark, String path) {
    Dataset<Row> files =
        spark
            .read()
            .format("binaryFile")
            .option("recursiveFileLookup", "true")
            .load(path)
            .select("path", "content");
    return files.map(
        (MapFunction<Row, Row>) r -> RowFactory.create(decode(r.getString(0), (byte[]) r.get(1))),
        Encoders.row(SCHEMA));
  }

  /**
   * One image struct value: decoded, or Spark's invalid-image row when {@code bytes} is not one.
   */
  public static Row decode(String origin, byte[] bytes) {
    BufferedImage img;
    try {
      img = bytes == null ? null : ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      img = null;
    }
    if (img == null) {
      return RowFactory.create(origin, -1, -1, -1, -1, new byte[0]);
    }
    int h = img.getHeight();
    int w = img.getWidth();
    // Same decisions as Spark's ImageSchema.decode: gray stays one channel, alpha keeps a fourth.
    boolean gray = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    boolean alpha = img.getColorModel().hasAlpha();
    int nc = gray ? 1 : alpha ? 4 : 3;
    int mode = gray ? 0 : alpha ? 24 : 16;
    byte[] data = new byte[Math.multiplyExact(Math.multiplyExact(h, w), nc)];
    int o = 0;
    if (gray) {
      var raster = img.getRaster();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          data[o++] = (byte) raster.getSample(x, y, 0);
        }
      }
    } else {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int argb = img.getRGB(x, y);
          data[o++] = (byte) argb; // blue
          data[o++] = (byte) (argb >> 8); // green
          data[o++] = (byte) (argb >> 16); // red
          if (alpha) {
            data[o++] = (byte) (argb >>> 24);
          }
        }
      }
    }
    return RowFactory.create(origin, h, w, nc, mode, data);
  }
}
