package io.sparkconv.udf;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns one column's values into {@code (C, H, W)} tensors. Chosen once per column from the schema
 * ({@link #forColumn}), never per row; decoding a row never throws anything but {@link
 * BadRowException}, whose message is the reason the errors dataset records.
 *
 * <p>Accepted columns:
 *
 * <ul>
 *   <li>the tensor struct of {@link TensorColumns#TENSOR_TYPE} with shape {@code [C, H, W]} or
 *       {@code [H, W]} (one channel);
 *   <li>{@code array<array<array<float|double>>>} (C, H, W) or {@code array<array<float|double>>}
 *       (H, W), as pyarrow writes numpy arrays converted to lists;
 *   <li>Spark's image struct: 8-bit BGR(A) HWC bytes become RGB float CHW scaled by {@link
 *       ImageOptions}; 1 channel stays 1, 3 (BGR) become RGB, 4 (BGRA) become RGB and the alpha
 *       channel is dropped.
 * </ul>
 *
 * <p>Real tensors are converted to the model's dtype (float32 ↔ float64, as numpy's {@code
 * astype}); complex and real never mix. Each decoder checks the declared size against {@code
 * maxElements} before allocating anything.
 */
public abstract class InputDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Largest scalar count a Java array may hold. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  final String column;

  private InputDecoder(String column) {
    this.column = column;
  }

  /** The column this decoder reads. */
  public String column() {
    return column;
  }

  /** A short description for logs, e.g. {@code tensor struct column 'img'}. */
  public abstract String describe();

  /**
   * Picks the decoder for {@code column} of {@code schema}.
   *
   * @throws IllegalArgumentException when the column is missing (listing the columns) or has a type
   *     no decoder reads (showing the expected and the actual schema)
   */
  public static InputDecoder forColumn(StructType schema, String column, ImageOptions image) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(
          "input has no column '"
              + column
              + "'; its columns are "
              + Arrays.toString(schema.fieldNames()));
    }
    StructField field = schema.apply(column);
    return forType(column, field.dataType(), image);
  }

  /** Picks the decoder for values of type {@code type}; see {@link #forColumn}. */
  public static InputDecoder forType(String column, DataType type, ImageOptions image) {
    if (TensorColumns.isTensorStruct(type)) {
      return new TensorStructDecoder(column, (StructType) type);
    }
    if (TensorColumns.isImageStruct(type)) {
      return new ImageDecoder(column, (StructType) type, image);
    }
    int depth = TensorColumns.nestedArrayDepth(type);
    if (depth > 0) {
      return new NestedArrayDecoder(column, depth);
    }
    throw new IllegalArgumentException(
        "column '"
            + column
            + "' has type "
            + type.simpleString()
            + ", which is not a tensor; expected one of: "
            + TensorColumns.TENSOR_TYPE.simpleString()
            + " (tensor struct), array<array<array<float>>> or array<array<float>> (also of"
            + " double), or "
            + TensorColumns.IMAGE_TYPE.simpleString()
            + " (image source)");
  }

  /**
   * The one tensor-like column of {@code schema}.
   *
   * @throws IllegalArgumentException when there is none or more than one, listing the candidates
   */
  public static String detectColumn(StructType schema) {
    List<String> candidates = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (TensorColumns.isTensorLike(f.dataType())) {
        candidates.add(f.name());
      }
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException(
          "input has no tensor or image column (expected "
              + TensorColumns.TENSOR_TYPE.simpleString()
              + ", nested float arrays or an image struct); its schema is "
              + schema.simpleString());
    }
    throw new IllegalArgumentException(
        "input has several tensor columns " + candidates + ": choose one with --column");
  }

  /**
   * Decodes the column from a whole input row.
   *
   * @param ordinal the column's index in {@code row}
   * @param target the dtype to convert real inputs to, or null to keep the stored one
   * @param maxElements the largest element count accepted per row
   */
  public final Tensor decode(Row row, int ordinal, DType target, long maxElements)
      throws BadRowException {
    return decodeValue(row.isNullAt(ordinal) ? null : row.get(ordinal), target, maxElements);
  }

  /** Decodes one column value (a {@link Row} for structs, a list or Seq for arrays). */
  public abstract Tensor decodeValue(Object value, DType target, long maxElements)
      throws BadRowException;

  BadRowException bad(String fmt, Object... args) {
    return new BadRowException("column '" + column + "': " + String.format(Locale.ROOT, fmt, args));
  }

  void checkSize(int[] shape, long maxElements) throws BadRowException {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > maxElements) {
        break;
      }
    }
    if (n > maxElements) {
      throw bad(
          "declared shape %s has more than %d elements, above the limit (max elements per row)",
          Arrays.toString(shape), maxElements);
    }
  }

  Tensor convert(Tensor t, DType target) throws BadRowException {
    if (target == null || target == t.dtype()) {
      return t;
    }
    if (target.isComplex() || t.dtype().isComplex()) {
      throw bad("%s input cannot be fed to a %s model", t.dtype(), target);
    }
    int[] shape = t.shape();
    if (target == DType.FLOAT64) {
      float[] f = t.floats();
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      return Tensor.ofDoubles(d, shape);
    }
    double[] d = t.doubles();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return Tensor.ofFloats(f, shape);
  }

  /** Elements of an array value as Spark hands it over: a Java list, a Scala Seq, or an array. */
  static List<?> asList(Object v) {
    if (v instanceof List<?> l) {
      return l;
    }
    if (v instanceof scala.collection.Seq<?> s) {
      List<Object> out = new ArrayList<>(s.length());
      scala.collection.Iterator<?> it = s.iterator();
      while (it.hasNext()) {
        out.add(it.next());
      }
      return out;
    }
    if (v instanceof Object[] a) {
      return Arrays.asList(a);
    }
    if (v instanceof int[] a) {
      return Arrays.stream(a).boxed().toList();
    }
    if (v instanceof long[] a) {
      return Arrays.stream(a).boxed().toList();
    }
    throw new IllegalStateException("not an array value: " + v.getClass().getName());
  }

  /** The tensor struct: dtype, shape, little-endian C-order data. */
  static final class TensorStructDecoder extends InputDecoder {
    private static final long serialVersionUID = 1L;
    private final int dtypeIdx;
    private final int shapeIdx;
    private final int dataIdx;

    TensorStructDecoder(String column, StructType type) {
      super(column);
      this.dtypeIdx = type.fieldIndex("dtype");
      this.shapeIdx = type.fieldIndex("shape");
      this.dataIdx = type.fieldIndex("data");
    }

    @Override
    public String describe() {
      return "tensor struct column '" + column + "'";
    }

    @Override
    public Tensor decodeValue(Object value, DType target, long maxElements) throws BadRowException {
      if (value == null) {
        throw bad("null tensor");
      }
      Row r = (Row) value;
      if (r.isNullAt(dtypeIdx)) {
        throw bad("tensor has a null dtype");
      }
      DType dtype;
      try {
        dtype = DType.parse(r.getString(dtypeIdx));
      } catch (IllegalArgumentException e) {
        throw bad("%s", e.getMessage());
      }
      if (r.isNullAt(shapeIdx)) {
        throw bad("tensor has a null shape");
      }
      List<?> dims = asList(r.get(shapeIdx));
      if (dims.size() != 2 && dims.size() != 3) {
        throw bad("tensor has shape %s: expected (C, H, W) or (H, W)", dims);
      }
      int[] shape = new int[3];
      shape[0] = 1;
      int off = 3 - dims.size();
      for (int i = 0; i < dims.size(); i++) {
        Object d = dims.get(i);
        if (d == null) {
          throw bad("tensor shape %s has a null dimension", dims);
        }
        long v = ((Number) d).longValue();
        if (v < 0 || v > Integer.MAX_VALUE) {
          throw bad("tensor shape %s has an invalid dimension %d", dims, v);
        }
        shape[off + i] = (int) v;
      }
      checkSize(shape, maxElements);
      if (r.isNullAt(dataIdx)) {
        throw bad("tensor has null data");
      }
      byte[] data = (byte[]) r.get(dataIdx);
      long numel = Tensor.numel(shape);
      long need = numel * dtype.byteSize();
      if (data.length != need) {
        throw bad("data has %d bytes, but shape %s of %s needs %d", data.length, dims, dtype, need);
      }
      if (numel * dtype.lanes() > MAX_ARRAY) {
        throw bad("tensor shape %s is too large for one Java array", dims);
      }
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      Tensor t;
      if (dtype == DType.FLOAT64) {
        double[] d = new double[(int) numel];
        b.asDoubleBuffer().get(d);
        t = Tensor.ofDoubles(d, shape);
      } else {
        float[] f = new float[(int) (numel * dtype.lanes())];
        b.asFloatBuffer().get(f);
        t = dtype == DType.COMPLEX64 ? Tensor.ofComplex(f, shape) : Tensor.ofFloats(f, shape);
      }
      return convert(t, target);
    }
  }

  /** Nested float or double lists, (C, H, W) or (H, W). */
  static final class NestedArrayDecoder extends InputDecoder {
    private static final long serialVersionUID = 1L;
    private final int depth;

    NestedArrayDecoder(String column, int depth) {
      super(column);
      this.depth = depth;
    }

    @Override
    public String describe() {
      return "nested array column '"
          + column
          + "' ("
          + (depth == 3 ? "C, H, W" : "H, W as one channel")
          + ")";
    }

    @Override
    public Tensor decodeValue(Object value, DType target, long maxElements) throws BadRowException {
      if (value == null) {
        throw bad("null tensor");
      }
      List<?> channels = depth == 3 ? asList(value) : List.of(value);
      int c = channels.size();
      List<List<?>> rows = new ArrayList<>();
      int h = -1;
      int w = -1;
      for (int ci = 0; ci < c; ci++) {
        Object ch = channels.get(ci);
        if (ch == null) {
          throw bad("null element at channel %d", ci);
        }
        List<?> chRows = asList(ch);
        if (h < 0) {
          h = chRows.size();
        } else if (chRows.size() != h) {
          throw bad(
              "ragged nested array: channel %d has %d rows, expected %d", ci, chRows.size(), h);
        }
        for (int hi = 0; hi < chRows.size(); hi++) {
          Object row = chRows.get(hi);
          if (row == null) {
            throw bad("null element at [%d, %d]", ci, hi);
          }
          List<?> cols = asList(row);
          if (w < 0) {
            w = cols.size();
          } else if (cols.size() != w) {
            throw bad(
                "ragged nested array: row [%d, %d] has %d elements, expected %d",
                ci, hi, cols.size(), w);
          }
          rows.add(cols);
        }
      }
      int[] shape = {c, Math.max(h, 0), Math.max(w, 0)};
      checkSize(shape, maxElements);
      DType native_ = null;
      int n = (int) Tensor.numel(shape);
      float[] f = null;
      double[] d = null;
      int i = 0;
      for (List<?> cols : rows) {
        for (int wi = 0; wi < cols.size(); wi++) {
          Object x = cols.get(wi);
          if (x == null) {
            throw bad("null element at flat index %d", i);
          }
          if (native_ == null) {
            native_ = x instanceof Double ? DType.FLOAT64 : DType.FLOAT32;
            if (native_ == DType.FLOAT64) {
              d = new double[n];
            } else {
              f = new float[n];
            }
          }
          if (d != null) {
            d[i++] = ((Number) x).doubleValue();
          } else {
            f[i++] = ((Number) x).floatValue();
          }
        }
      }
      Tensor t =
          d != null
              ? Tensor.ofDoubles(d, shape)
              : Tensor.ofFloats(f == null ? new float[0] : f, shape);
      return convert(t, target);
    }
  }

  /** Spark's image struct: BGR(A) 8-bit HWC to RGB float CHW. */
  static final class ImageDecoder extends InputDecoder {
    private static final long serialVersionUID = 1L;

    /** OpenCV modes Spark's image source produces: CV_8UC1, CV_8UC3, CV_8UC4. */
    private static final int CV_8UC1 = 0;

    private static final int CV_8UC3 = 16;
    private static final int CV_8UC4 = 24;

    private final int originIdx;
    private final int heightIdx;
    private final int widthIdx;
    private final int channelsIdx;
    private final int modeIdx;
    private final int dataIdx;
    private final ImageOptions options;

    ImageDecoder(String column, StructType type, ImageOptions options) {
      super(column);
      this.originIdx = type.fieldIndex("origin");
      this.heightIdx = type.fieldIndex("height");
      this.widthIdx = type.fieldIndex("width");
      this.channelsIdx = type.fieldIndex("nChannels");
      this.modeIdx = type.fieldIndex("mode");
      this.dataIdx = type.fieldIndex("data");
      this.options = options;
    }

    @Override
    public String describe() {
      return "image column '"
          + column
          + "' (BGR(A) bytes to RGB float; alpha dropped; scale "
          + options.scale()
          + (options.mean() != null ? ", mean " + Arrays.toString(options.mean()) : "")
          + (options.std() != null ? ", std " + Arrays.toString(options.std()) : "")
          + ")";
    }

    @Override
    public Tensor decodeValue(Object value, DType target, long maxElements) throws BadRowException {
      if (value == null) {
        throw bad("null image");
      }
      Row r = (Row) value;
      String origin = r.isNullAt(originIdx) ? "?" : r.getString(originIdx);
      int nc = r.isNullAt(channelsIdx) ? -1 : r.getInt(channelsIdx);
      int mode = r.isNullAt(modeIdx) ? -1 : r.getInt(modeIdx);
      int h = r.isNullAt(heightIdx) ? -1 : r.getInt(heightIdx);
      int w = r.isNullAt(widthIdx) ? -1 : r.getInt(widthIdx);
      byte[] data = r.isNullAt(dataIdx) ? null : (byte[]) r.get(dataIdx);
      if (nc < 0 || mode < 0 || h < 0 || w < 0 || data == null || data.length == 0) {
        throw bad("undecodable image '%s'", origin);
      }
      if (mode != CV_8UC1 && mode != CV_8UC3 && mode != CV_8UC4) {
        throw bad("image '%s' has OpenCV mode %d; only 8-bit images are supported", origin, mode);
      }
      if (nc != 1 && nc != 3 && nc != 4) {
        throw bad("image '%s' has %d channels; expected 1, 3 or 4", origin, nc);
      }
      int outC = nc == 1 ? 1 : 3;
      int[] shape = {outC, h, w};
      checkSize(shape, maxElements);
      if ((long) h * w * nc != data.length) {
        throw bad(
            "image '%s' has %d bytes of data, but %dx%dx%d needs %d",
            origin, data.length, h, w, nc, (long) h * w * nc);
      }
      if (options.mean() != null && options.mean().length != 1 && options.mean().length != outC
          || options.std() != null && options.std().length != 1 && options.std().length != outC) {
        throw bad(
            "image '%s' has %d channels after conversion, but mean/std give %s/%s values",
            origin,
            outC,
            options.mean() == null ? "no" : options.mean().length,
            options.std() == null ? "no" : options.std().length);
      }
      int plane = h * w;
      double scale = options.scale();
      boolean f64 = target == DType.FLOAT64;
      if (target != null && target.isComplex()) {
        throw bad("image input cannot be fed to a %s model", target);
      }
      float[] f = f64 ? null : new float[outC * plane];
      double[] d = f64 ? new double[outC * plane] : null;
      for (int c = 0; c < outC; c++) {
        // BGR(A) storage: RGB channel c lives at byte offset 2 - c; gray at 0.
        int src = outC == 1 ? 0 : 2 - c;
        double mean = options.meanOf(c);
        double std = options.stdOf(c);
        boolean plain = options.mean() == null && options.std() == null;
        for (int p = 0; p < plane; p++) {
          double x = (data[p * nc + src] & 0xFF) * scale;
          if (!plain) {
            x = (x - mean) / std;
          }
          if (f64) {
            d[c * plane + p] = x;
          } else {
            f[c * plane + p] = (float) x;
          }
        }
      }
      return f64 ? Tensor.ofDoubles(d, shape) : Tensor.ofFloats(f, shape);
    }
  }
}
