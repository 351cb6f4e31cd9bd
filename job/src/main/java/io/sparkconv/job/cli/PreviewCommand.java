package io.sparkconv.job.cli;

import io.sparkconv.job.JobOptions;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.udf.BadRowException;
import io.sparkconv.udf.ImageFiles;
import io.sparkconv.udf.ImageOptions;
import io.sparkconv.udf.InputDecoder;
import io.sparkconv.udf.ModelHandle;
import io.sparkconv.udf.ModelHandles;
import io.sparkconv.udf.SparkConvConf;
import io.sparkconv.udf.TensorInput;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkconv preview}: a PNG grid with one line per input row: the input (RGB when it has 3
 * channels, else one gray tile per channel), then one gray tile per output channel. Every tile is
 * min-max normalised on its own; NaN and infinities are drawn red; complex values as magnitudes.
 */
@Command(
    name = "preview",
    mixinStandardHelpOptions = true,
    description =
        "Writes a PNG grid of the first rows of the input next to the model's feature maps (each"
            + " channel min-max normalised; non-finite values red).")
public final class PreviewCommand implements Callable<Integer> {
  private static final int GAP = 4;
  private static final int BACKGROUND = 0x202020;
  private static final int NON_FINITE = 0xFF0000;

  @Option(names = "--model", required = true, description = "Model JSON.")
  Path model;

  @Option(names = "--input", required = true, description = "Input dataset (or image folder).")
  String input;

  @Option(names = "--output", required = true, description = "PNG file to write.")
  Path output;

  @Option(
      names = "--rows",
      defaultValue = "4",
      description = "Input rows to show (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(
      names = "--max-channels",
      defaultValue = "16",
      description = "Output channels shown per row (default: ${DEFAULT-VALUE}).")
  int maxChannels;

  @Option(names = "--column", description = "Tensor column (default: detected).")
  String column;

  @Option(
      names = "--input-format",
      defaultValue = "parquet",
      description = "parquet or image (default: ${DEFAULT-VALUE}).")
  String inputFormat;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--scale", defaultValue = "0.00392156862745098", description = "Image scale.")
  double scale;

  @Option(names = "--mean", description = "Image per-channel mean.")
  String mean;

  @Option(names = "--std", description = "Image per-channel std.")
  String std;

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || maxChannels < 1) {
      throw new IllegalArgumentException("--rows and --max-channels must be >= 1");
    }
    ImageOptions image =
        new ImageOptions(
            scale, ImageOptions.parseList("--mean", mean), ImageOptions.parseList("--std", std));
    boolean existing = SparkSession.getActiveSession().isDefined();
    SparkSession spark = RunCommand.session("sparkconv preview", "local[1]");
    try {
      int n =
          preview(
              spark,
              ModelHandles.load(model),
              input,
              JobOptions.InputFormat.parse(inputFormat),
              column,
              image,
              Device.parse(device),
              rows,
              maxChannels,
              output);
      System.err.println("sparkconv preview: wrote " + n + " rows to " + output);
      return 0;
    } finally {
      if (!existing) {
        spark.stop();
      }
    }
  }

  /**
   * Renders the first {@code rows} good rows of the input and their outputs into {@code png};
   * returns the rows drawn. Bad rows are skipped with their reason on stderr.
   */
  public static int preview(
      SparkSession spark,
      ModelHandle model,
      String input,
      JobOptions.InputFormat format,
      String column,
      ImageOptions image,
      Device device,
      int rows,
      int maxChannels,
      Path png)
      throws IOException {
    Dataset<Row> df =
        format == JobOptions.InputFormat.IMAGE
            ? ImageFiles.read(spark, input)
            : spark.read().parquet(input);
    String col = column != null ? column : InputDecoder.detectColumn(df.schema());
    InputDecoder decoder = InputDecoder.forColumn(df.schema(), col, image);
    TensorInput in =
        new TensorInput(
            decoder,
            model,
            SparkConvConf.MAX_ELEMENTS.parse(SparkConvConf.MAX_ELEMENTS.defaultText()));
    List<Tensor[]> pairs = new ArrayList<>();
    try (SequentialModel m = model.build(device, 1)) {
      // A few extra rows so that some bad ones do not leave the grid short.
      for (Row r : df.select(col).limit(rows * 4).collectAsList()) {
        if (pairs.size() == rows) {
          break;
        }
        try {
          Tensor x = in.prepare(r.isNullAt(0) ? null : r.get(0)).input();
          pairs.add(new Tensor[] {x, m.forward(x)});
        } catch (BadRowException e) {
          System.err.println("sparkconv preview: skipping a row: " + e.getMessage());
        }
      }
    }
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no row of " + input + " could be processed");
    }
    ImageIO.write(render(pairs, maxChannels), "png", png.toFile());
    return pairs.size();
  }

  /** Lays out the grid: one line per pair, tiles zoomed so that small images stay visible. */
  static BufferedImage render(List<Tensor[]> pairs, int maxChannels) {
    List<List<BufferedImage>> lines = new ArrayList<>();
    for (Tensor[] p : pairs) {
      List<BufferedImage> tiles = new ArrayList<>();
      Tensor x = p[0];
      if (x.size(0) == 3) {
        tiles.add(rgbTile(x));
      } else {
        for (int c = 0; c < x.size(0); c++) {
          tiles.add(grayTile(x, c));
        }
      }
      Tensor y = p[1];
      for (int c = 0; c < Math.min(maxChannels, y.size(0)); c++) {
        tiles.add(grayTile(y, c));
      }
      lines.add(tiles);
    }
    int maxSide = 1;
    for (List<BufferedImage> line : lines) {
      for (BufferedImage t : line) {
        maxSide = Math.max(maxSide, Math.max(t.getWidth(), t.getHeight()));
      }
    }
    int zoom = Math.max(1, 96 / maxSide);
    int width = 0;
    int height = GAP;
    for (List<BufferedImage> line : lines) {
      int w = GAP;
      int h = 0;
      for (BufferedImage t : line) {
        w += t.getWidth() * zoom + GAP;
        h = Math.max(h, t.getHeight() * zoom);
      }
      width = Math.max(width, w);
      height += h + GAP;
    }
    BufferedImage grid = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int yy = 0; yy < height; yy++) {
      for (int xx = 0; xx < width; xx++) {
        grid.setRGB(xx, yy, BACKGROUND);
      }
    }
    int top = GAP;
    for (List<BufferedImage> line : lines) {
      int left = GAP;
      int h = 0;
      for (BufferedImage t : line) {
        for (int yy = 0; yy < t.getHeight() * zoom; yy++) {
          for (int xx = 0; xx < t.getWidth() * zoom; xx++) {
            grid.setRGB(left + xx, top + yy, t.getRGB(xx / zoom, yy / zoom));
          }
        }
        left += t.getWidth() * zoom + GAP;
        h = Math.max(h, t.getHeight() * zoom);
      }
      top += h + GAP;
    }
    return grid;
  }

  /** Channel {@code c} of a (C, H, W) tensor as 0..255 levels, min-max over finite values. */
  private static int[] levels(Tensor t, int c) {
    int h = t.size(1);
    int w = t.size(2);
    double[] v = new double[h * w];
    for (int i = 0; i < v.length; i++) {
      int idx = c * h * w + i;
      if (t.dtype() == DType.COMPLEX64) {
        double re = t.getScalar(2 * idx);
        double im = t.getScalar(2 * idx + 1);
        v[i] = Math.hypot(re, im);
      } else {
        v[i] = t.getScalar(idx);
      }
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      if (Double.isFinite(d)) {
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
    }
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] =
          !Double.isFinite(v[i])
              ? -1
              : hi > lo ? (int) Math.round((v[i] - lo) / (hi - lo) * 255) : 128;
    }
    return out;
  }

  private static BufferedImage grayTile(Tensor t, int c) {
    int h = t.size(1);
    int w = t.size(2);
    int[] l = levels(t, c);
    BufferedImage img =
        new BufferedImage(Math.max(w, 1), Math.max(h, 1), BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < l.length; i++) {
      int g = l[i];
      img.setRGB(i % w, i / w, g < 0 ? NON_FINITE : (g << 16) | (g << 8) | g);
    }
    return img;
  }

  private static BufferedImage rgbTile(Tensor t) {
    int h = t.size(1);
    int w = t.size(2);
    int[] r = levels(t, 0);
    int[] g = levels(t, 1);
    int[] b = levels(t, 2);
    BufferedImage img =
        new BufferedImage(Math.max(w, 1), Math.max(h, 1), BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < r.length; i++) {
      boolean bad = r[i] < 0 || g[i] < 0 || b[i] < 0;
      img.setRGB(i % w, i / w, bad ? NON_FINITE : (r[i] << 16) | (g[i] << 8) | b[i]);
    }
    return img;
  }
}
