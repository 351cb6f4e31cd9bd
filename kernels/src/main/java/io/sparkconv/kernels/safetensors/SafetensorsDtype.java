package io.sparkconv.kernels.safetensors;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Every dtype string the reference implementation (huggingface/safetensors {@code Dtype}, 0.7)
 * knows, with its width in bits. A dtype outside this list makes a file invalid; a dtype inside it
 * that SparkConv does not compute in is reported as unsupported instead, so the two failures read
 * differently.
 */
enum SafetensorsDtype {
  BOOL(8),
  F4(4),
  F6_E2M3(6),
  F6_E3M2(6),
  U8(8),
  I8(8),
  F8_E5M2(8),
  F8_E4M3(8),
  F8_E8M0(8),
  I16(16),
  U16(16),
  F16(16),
  BF16(16),
  I32(32),
  U32(32),
  F32(32),
  C64(64),
  F64(64),
  I64(64),
  U64(64);

  final int bits;

  SafetensorsDtype(int bits) {
    this.bits = bits;
  }

  /** The dtype whose header string is exactly {@code code}, or null. */
  static SafetensorsDtype fromCode(String code) {
    for (SafetensorsDtype d : values()) {
      if (d.name().equals(code)) {
        return d;
      }
    }
    return null;
  }

  /** True for the dtypes SparkConv converts to one of its own (F32, F64, C64, F16, BF16). */
  boolean readable() {
    return this == F32 || this == F64 || this == C64 || this == F16 || this == BF16;
  }

  static String knownList() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
