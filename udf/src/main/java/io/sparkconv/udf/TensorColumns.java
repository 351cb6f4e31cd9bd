package io.sparkconv.udf;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The tensor column of CONTRACTS §4: {@code struct<dtype: string, shape: array<int>, data:
 * binary>}, data little-endian in C order, complex64 as (re, im) float32 pairs. A reader in Python
 * needs only {@code numpy.frombuffer(row["data"], dtype).reshape(row["shape"])}.
 */
public final class TensorColumns {
  /** The struct the job writes and the SQL functions return. */
  public static final StructType TENSOR_TYPE =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("dtype", DataTypes.StringType, false),
            DataTypes.createStructField(
                "shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField("data", DataTypes.BinaryType, false)
          });

  /** Spark's image source struct ({@code spark.read.format("image")}). */
  public static final StructType IMAGE_TYPE =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("origin", DataTypes.StringType, true),
            DataTypes.createStructField("height", DataTypes.IntegerType, true),
            DataTypes.createStructField("width", DataTypes.IntegerType, true),
            DataTypes.createStructField("nChannels", DataTypes.IntegerType, true),
            DataTypes.createStructField("mode", DataTypes.IntegerType, true),
            DataTypes.createStructField("data", DataTypes.BinaryType, true)
          });

  private TensorColumns() {}

  /**
   * Whether {@code t} is the tensor struct: fields {@code dtype} string, {@code shape} array of int
   * or bigint (pyarrow writes Python ints as int64), {@code data} binary; extra fields are ignored.
   */
  public static boolean isTensorStruct(DataType t) {
    if (!(t instanceof StructType s)) {
      return false;
    }
    Set<String> names = Set.of(s.fieldNames());
    if (!names.contains("dtype") || !names.contains("shape") || !names.contains("data")) {
      return false;
    }
    DataType shape = s.apply("shape").dataType();
    return s.apply("dtype").dataType().equals(DataTypes.StringType)
        && s.apply("data").dataType().equals(DataTypes.BinaryType)
        && shape instanceof ArrayType a
        && (a.elementType().equals(DataTypes.IntegerType)
            || a.elementType().equals(DataTypes.LongType));
  }

  /** Whether {@code t} is Spark's image struct (the fields the image source writes, by name). */
  public static boolean isImageStruct(DataType t) {
    if (!(t instanceof StructType s)) {
      return false;
    }
    for (StructField f : IMAGE_TYPE.fields()) {
      if (!Set.of(s.fieldNames()).contains(f.name())
          || !s.apply(f.name()).dataType().equals(f.dataType())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Nesting depth (2 or 3) of {@code array<array<float|double>>} or {@code
   * array<array<array<float|double>>>}; 0 when {@code t} is not such an array.
   */
  public static int nestedArrayDepth(DataType t) {
    int depth = 0;
    while (t instanceof ArrayType a) {
      depth++;
      t = a.elementType();
    }
    boolean floating = t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType);
    return floating && (depth == 2 || depth == 3) ? depth : 0;
  }

  /** Whether any decoder in {@link InputDecoder} accepts a column of type {@code t}. */
  public static boolean isTensorLike(DataType t) {
    return isTensorStruct(t) || isImageStruct(t) || nestedArrayDepth(t) > 0;
  }

  /** Encodes a tensor as the {@link #TENSOR_TYPE} struct (little-endian, C order). */
  public static Row toRow(Tensor t) {
    return RowFactory.create(t.dtype().torchName(), t.shape(), toBytes(t, 0, t.scalarCount()));
  }

  /**
   * Little-endian bytes of scalars {@code [from, from + count)} of {@code t}'s backing array; lets
   * a batch output be split per row without an intermediate copy.
   */
  public static byte[] toBytes(Tensor t, int from, int count) {
    byte[] out = new byte[Math.multiplyExact(count, t.dtype().byteSize() / t.dtype().lanes())];
    copyBytes(t, from, count, out);
    return out;
  }

  /**
   * Writes the little-endian bytes of scalars {@code [from, from + count)} of {@code t}'s backing
   * array to the start of {@code dst}, which must hold them.
   */
  public static void copyBytes(Tensor t, int from, int count, byte[] dst) {
    ByteBuffer b = ByteBuffer.wrap(dst).order(ByteOrder.LITTLE_ENDIAN);
    if (t.dtype() == DType.FLOAT64) {
      b.asDoubleBuffer().put(t.doubles(), from, count);
    } else {
      b.asFloatBuffer().put(t.floats(), from, count);
    }
  }

  /**
   * Decodes a {@link #TENSOR_TYPE} value strictly (no limits, no conversion); for tests and tools.
   */
  public static Tensor fromRow(Row struct) throws BadRowException {
    StructType type = struct.schema() != null ? struct.schema() : TENSOR_TYPE;
    return InputDecoder.forType("tensor", type, ImageOptions.DEFAULT)
        .decodeValue(struct, null, Long.MAX_VALUE);
  }
}
