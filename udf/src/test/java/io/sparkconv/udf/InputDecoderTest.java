package io.sparkconv.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Decoders on hand-made rows: layouts, conversions and every rejection's wording. */
class InputDecoderTest {
  private static final InputDecoder TENSOR =
      InputDecoder.forType("t", TensorColumns.TENSOR_TYPE, ImageOptions.DEFAULT);

  private static Row tensorValue(String dtype, Object shape, byte[] data) {
    return new GenericRowWithSchema(new Object[] {dtype, shape, data}, TensorColumns.TENSOR_TYPE);
  }

  private static String reason(InputDecoder d, Object value, DType target, long max) {
    return assertThrows(BadRowException.class, () -> d.decodeValue(value, target, max))
        .getMessage();
  }

  @Test
  void tensorStructRoundTripsLittleEndianInEveryDtype() throws Exception {
    Tensor f = Tensor.ofFloats(new float[] {1.5f, -2f, Float.NaN, 4f, 5f, 6f}, 1, 2, 3);
    Tensor back = TensorColumns.fromRow(TensorColumns.toRow(f));
    assertArrayEquals(f.floats(), back.floats());
    assertArrayEquals(new int[] {1, 2, 3}, back.shape());
    byte[] le = (byte[]) TensorColumns.toRow(f).get(2);
    assertEquals(1.5f, ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
    Tensor d = Tensor.ofDoubles(new double[] {1, 2, 3, 4}, 1, 2, 2);
    assertArrayEquals(d.doubles(), TensorColumns.fromRow(TensorColumns.toRow(d)).doubles());
    Tensor c = Tensor.ofComplex(new float[] {1, -1, 2, -2}, 1, 1, 2);
    Tensor cb = TensorColumns.fromRow(TensorColumns.toRow(c));
    assertEquals(DType.COMPLEX64, cb.dtype());
    assertArrayEquals(c.floats(), cb.floats());
  }

  @Test
  void realTensorsAreConvertedToTheModelDtypeAndTwoDimensionsAreOneChannel() throws Exception {
    Tensor d = Tensor.ofDoubles(new double[] {0.1, 2, 3, 4}, 2, 2);
    Row v = TensorColumns.toRow(d);
    Tensor f = TENSOR.decodeValue(v, DType.FLOAT32, 100);
    assertEquals(DType.FLOAT32, f.dtype());
    assertArrayEquals(new int[] {1, 2, 2}, f.shape());
    assertArrayEquals(new float[] {0.1f, 2, 3, 4}, f.floats());
    // pyarrow writes Python ints as int64: shape array<bigint> is accepted too.
    byte[] data = (byte[]) v.get(2);
    assertArrayEquals(
        new int[] {1, 2, 2},
        TENSOR.decodeValue(tensorValue("float64", new long[] {1, 2, 2}, data), null, 100).shape());
  }

  @Test
  void everyBadTensorHasItsReason() {
    byte[] eight = new byte[8];
    assertEquals("column 't': null tensor", reason(TENSOR, null, null, 100));
    assertEquals(
        "column 't': unsupported dtype 'int8': expected one of [float32, float64, complex64]",
        reason(TENSOR, tensorValue("int8", new int[] {1, 2, 4}, eight), null, 100));
    assertEquals(
        "column 't': data has 8 bytes, but shape [1, 2, 2] of float32 needs 16",
        reason(TENSOR, tensorValue("float32", new int[] {1, 2, 2}, eight), null, 100));
    assertEquals(
        "column 't': tensor has shape [2]: expected (C, H, W) or (H, W)",
        reason(TENSOR, tensorValue("float32", new int[] {2}, eight), null, 100));
    assertEquals(
        "column 't': tensor shape [1, -2, 1] has an invalid dimension -2",
        reason(TENSOR, tensorValue("float32", new int[] {1, -2, 1}, eight), null, 100));
    assertEquals(
        "column 't': declared shape [3, 100000, 100000] has more than 100 elements, above the"
            + " limit (max elements per row)",
        reason(TENSOR, tensorValue("float32", new int[] {3, 100000, 100000}, eight), null, 100));
    assertEquals(
        "column 't': complex64 input cannot be fed to a float32 model",
        reason(TENSOR, tensorValue("complex64", new int[] {1, 1, 1}, eight), DType.FLOAT32, 100));
    assertEquals(
        "column 't': tensor has null data",
        reason(TENSOR, tensorValue("float32", new int[] {1, 1, 1}, null), null, 100));
  }

  @Test
  void nestedListsOfBothDepths() throws Exception {
    InputDecoder three =
        InputDecoder.forType(
            "n",
            DataTypes.createArrayType(
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType))),
            ImageOptions.DEFAULT);
    Tensor t =
        three.decodeValue(
            List.of(
                List.of(List.of(1f, 2f), List.of(3f, 4f)),
                List.of(List.of(5f, 6f), List.of(7f, 8f))),
            null,
            100);
    assertArrayEquals(new int[] {2, 2, 2}, t.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, t.floats());
    InputDecoder two =
        InputDecoder.forType(
            "n",
            DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)),
            ImageOptions.DEFAULT);
    Tensor u = two.decodeValue(List.of(List.of(1.0, 2.0, 3.0)), DType.FLOAT64, 100);
    assertArrayEquals(new int[] {1, 1, 3}, u.shape());
    assertEquals(
        "column 'n': null element at flat index 1",
        reason(two, List.of(java.util.Arrays.asList(1.0, null)), null, 100));
  }

  private static Row image(int h, int w, int nc, int mode, byte[] data) {
    return new GenericRowWithSchema(
        new Object[] {"file:/x.png", h, w, nc, mode, data}, TensorColumns.IMAGE_TYPE);
  }

  @Test
  void imagesBecomeRgbChwScaledAndNormalised() throws Exception {
    InputDecoder plain =
        InputDecoder.forType("image", TensorColumns.IMAGE_TYPE, ImageOptions.DEFAULT);
    // One pixel, BGR = (10, 20, 30).
    Tensor t = plain.decodeValue(image(1, 1, 3, 16, new byte[] {10, 20, 30}), null, 100);
    assertArrayEquals(new float[] {30 / 255f, 20 / 255f, 10 / 255f}, t.floats(), 1e-7f);
    // BGRA: alpha dropped.
    Tensor a =
        plain.decodeValue(image(1, 1, 4, 24, new byte[] {10, 20, 30, (byte) 255}), null, 100);
    assertArrayEquals(new int[] {3, 1, 1}, a.shape());
    // Gray stays one channel; bytes are unsigned.
    Tensor g = plain.decodeValue(image(1, 2, 1, 0, new byte[] {(byte) 255, 0}), null, 100);
    assertArrayEquals(new float[] {1f, 0f}, g.floats());
    InputDecoder norm =
        InputDecoder.forType(
            "image",
            TensorColumns.IMAGE_TYPE,
            new ImageOptions(1.0, new double[] {30, 20, 10}, new double[] {2}));
    Tensor n = norm.decodeValue(image(1, 1, 3, 16, new byte[] {10, 20, 30}), DType.FLOAT64, 100);
    assertArrayEquals(new double[] {0, 0, 0}, n.doubles());
    assertEquals(
        "column 'image': undecodable image 'file:/x.png'",
        reason(plain, image(-1, -1, -1, -1, new byte[0]), null, 100));
    assertEquals(
        "column 'image': image 'file:/x.png' has 2 bytes of data, but 1x1x3 needs 3",
        reason(plain, image(1, 1, 3, 16, new byte[2]), null, 100));
  }

  @Test
  void columnDetectionAndSchemaMismatchShowTheSchemas() {
    StructType s =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("img", TensorColumns.TENSOR_TYPE)
            .add("pic", TensorColumns.IMAGE_TYPE);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InputDecoder.detectColumn(s));
    assertEquals(
        "input has several tensor columns [img, pic]: choose one with --column", e.getMessage());
    assertEquals(
        "img",
        InputDecoder.detectColumn(
            new StructType().add("img", TensorColumns.TENSOR_TYPE).add("id", DataTypes.LongType)));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputDecoder.detectColumn(new StructType().add("id", DataTypes.LongType)));
    assertEquals(
        "input has no tensor or image column (expected struct<dtype:string,shape:array<int>,data:binary>,"
            + " nested float arrays or an image struct); its schema is struct<id:bigint>",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputDecoder.forColumn(s, "nope", ImageOptions.DEFAULT));
    assertEquals("input has no column 'nope'; its columns are [id, img, pic]", e.getMessage());
    StructType wrongShape =
        new StructType()
            .add("dtype", DataTypes.StringType)
            .add("shape", DataTypes.createArrayType(DataTypes.StringType))
            .add("data", DataTypes.BinaryType);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                InputDecoder.forColumn(
                    new StructType().add("x", wrongShape), "x", ImageOptions.DEFAULT));
    assertEquals(
        "column 'x' has type struct<dtype:string,shape:array<string>,data:binary>, which is not a"
            + " tensor; expected one of: struct<dtype:string,shape:array<int>,data:binary> (tensor"
            + " struct), array<array<array<float>>> or array<array<float>> (also of double), or"
            + " struct<origin:string,height:int,width:int,nChannels:int,mode:int,data:binary>"
            + " (image source)",
        e.getMessage());
  }
}
