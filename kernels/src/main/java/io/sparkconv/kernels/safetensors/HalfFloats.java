package io.sparkconv.kernels.safetensors;

/**
 * Exact widening of IEEE binary16 and bfloat16 to float32. Every value of both formats (zeros,
 * subnormals, infinities, NaN payloads) is representable in float32, so nothing is rounded. (Java
 * 17 has no {@code Float.float16ToFloat}; it arrived in Java 20.)
 */
final class HalfFloats {
  private HalfFloats() {}

  /** binary16 bits (low 16 bits of {@code h}) to the float of equal value. */
  static float halfToFloat(int h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      // Zero or subnormal: mant * 2^-24 is exact in float32 (mant < 2^10).
      float magnitude = mant * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    if (exp == 0x1f) {
      // Infinity (mant == 0) or NaN with its payload kept in the high mantissa bits.
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    // Normal: rebias the exponent from 15 to 127.
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** bfloat16 bits (low 16 bits of {@code b}): the upper half of a float32. */
  static float bfloat16ToFloat(int b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }
}
