package io.sparkconv.kernels.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds safetensors byte images by hand, so tests can make files no writer would. */
final class StBytes {
  private StBytes() {}

  /** 8-byte little-endian length of {@code header}, the header, then {@code dataBytes} bytes. */
  static byte[] file(String header, int dataBytes) {
    byte[] data = new byte[dataBytes];
    for (int i = 0; i < dataBytes; i++) {
      data[i] = (byte) (i * 7 + 1);
    }
    return file(header, data);
  }

  static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return withLength(h.length, concat(h, data));
  }

  /** An arbitrary (possibly lying) header length followed by {@code rest}. */
  static byte[] withLength(long n, byte[] rest) {
    ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(n).put(rest);
    return b.array();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] floatsLe(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  static byte[] shortsLe(int... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putShort((short) x);
    }
    return b.array();
  }
}
