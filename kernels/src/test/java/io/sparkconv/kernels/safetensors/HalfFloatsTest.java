package io.sparkconv.kernels.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {
  private static void assertSameBits(float want, float got, String what) {
    assertEquals(
        Integer.toHexString(Float.floatToRawIntBits(want)),
        Integer.toHexString(Float.floatToRawIntBits(got)),
        what);
  }

  @Test
  void knownHalfBitPatterns() {
    int[][] cases = {
      {0x0000, Float.floatToRawIntBits(0.0f)},
      {0x8000, Float.floatToRawIntBits(-0.0f)},
      {0x3c00, Float.floatToRawIntBits(1.0f)},
      {0xc000, Float.floatToRawIntBits(-2.0f)},
      {0x3555, Float.floatToRawIntBits(0.333251953125f)},
      {0x7bff, Float.floatToRawIntBits(65504.0f)}, // largest finite half
      {0x0400, Float.floatToRawIntBits(0x1p-14f)}, // smallest normal
      {0x0001, Float.floatToRawIntBits(0x1p-24f)}, // smallest subnormal
      {0x03ff, Float.floatToRawIntBits(1023 * 0x1p-24f)}, // largest subnormal
      {0x7c00, Float.floatToRawIntBits(Float.POSITIVE_INFINITY)},
      {0xfc00, Float.floatToRawIntBits(Float.NEGATIVE_INFINITY)},
      {0x7e00, 0x7fc00000}, // canonical quiet NaN
      {0x7c01, 0x7f802000}, // signalling NaN payload kept
    };
    for (int[] c : cases) {
      assertSameBits(
          Float.intBitsToFloat(c[1]),
          HalfFloats.halfToFloat(c[0]),
          "half 0x" + Integer.toHexString(c[0]));
    }
  }

  @Test
  void knownBfloat16BitPatterns() {
    int[][] cases = {
      {0x3f80, 0x3f800000}, // 1.0
      {0xc049, 0xc0490000}, // -3.140625
      {0x7f7f, 0x7f7f0000}, // largest finite bf16
      {0x0001, 0x00010000}, // subnormal
      {0x8000, 0x80000000}, // -0.0
      {0xff80, 0xff800000}, // -inf
      {0x7fc1, 0x7fc10000}, // NaN payload
    };
    for (int[] c : cases) {
      assertSameBits(
          Float.intBitsToFloat(c[1]),
          HalfFloats.bfloat16ToFloat(c[0]),
          "bf16 0x" + Integer.toHexString(c[0]));
    }
  }

  @Test
  void everyFiniteHalfMatchesItsDefinition() {
    // value = (-1)^s * 2^(e-15) * (1 + m/1024), or 2^-14 * m/1024 for e = 0; exact in double.
    for (int h = 0; h < 0x10000; h++) {
      int e = (h >>> 10) & 0x1f;
      int m = h & 0x3ff;
      if (e == 0x1f) {
        continue;
      }
      double magnitude = e == 0 ? Math.scalb(m / 1024.0, -14) : Math.scalb(1 + m / 1024.0, e - 15);
      double want = (h & 0x8000) != 0 ? -magnitude : magnitude;
      float got = HalfFloats.halfToFloat(h);
      assertEquals(
          Double.doubleToRawLongBits(want),
          Double.doubleToRawLongBits(got),
          "0x" + Integer.toHexString(h));
    }
  }

  @Test
  void everyHalfRoundTripsThroughFloatNarrowing() {
    // Widening is exact, so narrowing back (round to nearest even) must give the same half.
    for (int h = 0; h < 0x10000; h++) {
      float f = HalfFloats.halfToFloat(h);
      if (Float.isNaN(f)) {
        continue;
      }
      assertEquals(h, narrowToHalf(f), "0x" + Integer.toHexString(h));
    }
  }

  /** Float to half for values that are exactly representable (no rounding needed). */
  private static int narrowToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    float a = Math.abs(f);
    if (Float.isInfinite(a)) {
      return sign | 0x7c00;
    }
    if (a < 0x1p-14f) {
      return sign | (int) (a * 0x1p24f);
    }
    int exp = Math.getExponent(a) + 15;
    int mant = (int) ((Math.scalb(a, -Math.getExponent(a)) - 1) * 1024);
    return sign | (exp << 10) | mant;
  }

  @Test
  void f16AndBf16TensorsReadAsFloat32() throws SafetensorsException {
    byte[] data =
        StBytes.concat(
            StBytes.shortsLe(0x3c00, 0xc000, 0x0001, 0x7c00), StBytes.shortsLe(0x3f80, 0xc049));
    byte[] f =
        StBytes.file(
            "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}",
            data);
    SafetensorsFile s = Safetensors.read(f, "half.safetensors");
    Tensor h = s.tensor("h");
    assertEquals(DType.FLOAT32, h.dtype());
    assertArrayEquals(new int[] {2, 2}, h.shape());
    assertArrayEquals(new float[] {1f, -2f, 0x1p-24f, Float.POSITIVE_INFINITY}, h.floats());
    Tensor b = s.tensor("b");
    assertEquals(DType.FLOAT32, b.dtype());
    assertArrayEquals(new float[] {1f, -3.140625f}, b.floats());
  }
}
