package io.sparkconv.kernels.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
  @TempDir Path dir;

  private static final long SEED = 20261121L;

  /** Random floats plus the values a careless codec breaks: -0.0, infinities, NaN payloads. */
  private static float[] floats(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian() * 100;
    }
    float[] specials = {
      -0.0f,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.MIN_VALUE,
      Float.intBitsToFloat(0x7fc00001),
      Float.intBitsToFloat(0xff800123),
      Float.MAX_VALUE
    };
    for (int i = 0; i < specials.length && i < n; i++) {
      v[i] = specials[i];
    }
    return v;
  }

  private static double[] doubles(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian() * 1e6;
    }
    double[] specials = {
      -0.0, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.longBitsToDouble(0x7ff0000000000abcL)
    };
    for (int i = 0; i < specials.length && i < n; i++) {
      v[i] = specials[i];
    }
    return v;
  }

  private static void assertBitsEqual(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what + " length");
    for (int i = 0; i < want.length; i++) {
      int w = Float.floatToRawIntBits(want[i]);
      int g = Float.floatToRawIntBits(got[i]);
      int at = i;
      assertEquals(w, g, () -> what + " scalar " + at + " seed " + SEED);
    }
  }

  private static void assertBitsEqual(double[] want, double[] got, String what) {
    assertEquals(want.length, got.length, what + " length");
    for (int i = 0; i < want.length; i++) {
      int at = i;
      assertEquals(
          Double.doubleToRawLongBits(want[i]),
          Double.doubleToRawLongBits(got[i]),
          () -> what + " scalar " + at + " seed " + SEED);
    }
  }

  private static Map<String, Tensor> sample() {
    Random r = new Random(SEED);
    Map<String, Tensor> m = new LinkedHashMap<>();
    // Deliberately not in name order: the writer must keep the map's order.
    m.put("z.weight", Tensor.ofFloats(floats(r, 2 * 3 * 3 * 3), 2, 3, 3, 3));
    m.put("empty", Tensor.zeros(DType.FLOAT32, 0, 3, 5));
    m.put("a.bias", Tensor.ofDoubles(doubles(r, 7), 7));
    m.put("scalar", Tensor.ofFloats(new float[] {42.5f}));
    m.put("c", Tensor.ofComplex(floats(r, 2 * 4 * 5), 4, 5));
    m.put("empty64", Tensor.zeros(DType.FLOAT64, 2, 0));
    m.put("emptyComplex", Tensor.zeros(DType.COMPLEX64, 0));
    return m;
  }

  @Test
  void everyDtypeRoundTripsBitExactThroughBytesAndFiles() throws IOException {
    Map<String, Tensor> in = sample();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("note", "ünïcödé \"quoted\" \\ and\nnewline");
    meta.put("", "empty key");

    Path p = dir.resolve("rt.safetensors");
    Safetensors.write(p, in, meta);
    byte[] bytes = Safetensors.toBytes(in, meta);
    assertArrayEquals(bytes, Files.readAllBytes(p), "write(Path) and toBytes agree");

    for (SafetensorsFile f : List.of(Safetensors.read(p), Safetensors.read(bytes, "rt"))) {
      assertEquals(List.copyOf(in.keySet()), List.copyOf(f.tensors().keySet()), "header order");
      assertEquals(meta, f.metadata());
      for (Map.Entry<String, Tensor> e : in.entrySet()) {
        Tensor want = e.getValue();
        Tensor got = f.tensor(e.getKey());
        String what = e.getKey() + " " + want;
        if (want.dtype() == DType.COMPLEX64) {
          // Stored as F32 with a trailing (re, im) dimension, as torch.view_as_real.
          int[] shape = want.shape();
          int[] viewAsReal = java.util.Arrays.copyOf(shape, shape.length + 1);
          viewAsReal[shape.length] = 2;
          assertEquals(DType.FLOAT32, got.dtype(), what);
          assertArrayEquals(viewAsReal, got.shape(), what);
          assertBitsEqual(want.floats(), got.floats(), what);
        } else if (want.dtype() == DType.FLOAT64) {
          assertEquals(DType.FLOAT64, got.dtype(), what);
          assertArrayEquals(want.shape(), got.shape(), what);
          assertBitsEqual(want.doubles(), got.doubles(), what);
        } else {
          assertEquals(DType.FLOAT32, got.dtype(), what);
          assertArrayEquals(want.shape(), got.shape(), what);
          assertBitsEqual(want.floats(), got.floats(), what);
        }
      }
    }
  }

  @Test
  void headerLayoutFollowsTheReferenceWriter() {
    Map<String, Tensor> in = sample();
    byte[] bytes = Safetensors.toBytes(in, Map.of("k", "v"));
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, n % 8, "header padded to a multiple of 8");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"__metadata__\":{\"k\":\"v\"},\"z.weight\":{"), header);
    assertTrue(header.matches("(?s)\\{.*\\} *"), "padding is spaces only: '" + header + "'");
    assertTrue(
        header.contains(
            "\"z.weight\":{\"dtype\":\"F32\",\"shape\":[2,3,3,3],\"data_offsets\":[0,216]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3,5],\"data_offsets\":[216,216]},"
                + "\"a.bias\":{\"dtype\":\"F64\",\"shape\":[7],\"data_offsets\":[216,272]},"
                + "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[272,276]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[4,5,2],\"data_offsets\":[276,436]},"),
        header);
    assertEquals(8 + n + 436, bytes.length);
  }

  @Test
  void noMetadataWritesNoMetadataKeyAndReadsAsEmpty() throws SafetensorsException {
    Map<String, Tensor> in = Map.of("w", Tensor.ofFloats(new float[] {1, 2}, 2));
    for (Map<String, String> none : java.util.Arrays.asList(null, Map.<String, String>of())) {
      byte[] bytes = Safetensors.toBytes(in, none);
      assertTrue(!new String(bytes, StandardCharsets.UTF_8).contains("__metadata__"));
      SafetensorsFile f = Safetensors.read(bytes, "m");
      assertEquals(Map.of(), f.metadata());
      assertNull(f.tensor("absent"));
    }
  }

  @Test
  void emptyFileRoundTrips() throws SafetensorsException {
    byte[] bytes = Safetensors.toBytes(Map.of(), Map.of());
    assertEquals(16, bytes.length, "8-byte length + '{}' padded to 8");
    SafetensorsFile f = Safetensors.read(bytes, "empty");
    assertTrue(f.tensors().isEmpty());
  }

  @Test
  void resultMapsAreUnmodifiable() throws SafetensorsException {
    SafetensorsFile f = Safetensors.read(Safetensors.toBytes(sample(), Map.of("a", "b")), "x");
    assertThrows(UnsupportedOperationException.class, () -> f.tensors().remove("c"));
    assertThrows(UnsupportedOperationException.class, () -> f.metadata().put("x", "y"));
  }

  @Test
  void readsNativeC64AsComplex64() throws SafetensorsException {
    // safetensors >= 0.7 writes complex64 as dtype C64, 8 bytes per element, re then im.
    float[] interleaved = {1f, -2f, 3.5f, 0f, -0.0f, 7f};
    byte[] f =
        StBytes.file(
            "{\"z\":{\"dtype\":\"C64\",\"shape\":[3],\"data_offsets\":[0,24]}}",
            StBytes.floatsLe(interleaved));
    Tensor z = Safetensors.read(f, "c64").tensor("z");
    assertEquals(DType.COMPLEX64, z.dtype());
    assertArrayEquals(new int[] {3}, z.shape());
    assertBitsEqual(interleaved, z.floats(), "C64");
  }

  @Test
  void tensorsInAnyOffsetOrderReadInHeaderOrder() throws SafetensorsException {
    // Header lists b first though its bytes come second: valid, offsets are sorted for the check.
    byte[] f =
        StBytes.file(
            "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            StBytes.floatsLe(1f, 2f));
    SafetensorsFile s = Safetensors.read(f, "order");
    assertEquals(List.of("b", "a"), List.copyOf(s.tensors().keySet()));
    assertEquals(2f, s.tensor("b").floats()[0]);
    assertEquals(1f, s.tensor("a").floats()[0]);
  }

  @Test
  void largeTensorCrossesReadChunks() throws IOException {
    // 3 MiB + 12 bytes: several 1 MiB chunks plus a tail, for both sources.
    Random r = new Random(SEED);
    int n = 3 * (1 << 18) + 3;
    Map<String, Tensor> in = Map.of("big", Tensor.ofFloats(floats(r, n), n));
    Path p = dir.resolve("big.safetensors");
    Safetensors.write(p, in, null);
    assertBitsEqual(in.get("big").floats(), Safetensors.read(p).tensor("big").floats(), "big");
    byte[] bytes = Files.readAllBytes(p);
    assertBitsEqual(
        in.get("big").floats(), Safetensors.read(bytes, "big").tensor("big").floats(), "big");
  }

  @Test
  void writerRefusesReservedAndNullKeys() {
    Tensor t = Tensor.ofFloats(new float[] {1}, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Safetensors.toBytes(Map.of("__metadata__", t), null));
    assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    Map<String, Tensor> withNull = new LinkedHashMap<>();
    withNull.put("w", null);
    assertThrows(IllegalArgumentException.class, () -> Safetensors.toBytes(withNull, null));
  }

  @Test
  void atomicWriteLeavesOnlyTheTargetAndReplacesAnOldFile() throws IOException {
    Path p = dir.resolve("w.safetensors");
    Files.writeString(p, "old contents");
    Safetensors.write(p, sample(), Map.of("v", "2"));
    assertEquals("2", Safetensors.read(p).metadata().get("v"));
    assertEquals(List.of("w.safetensors"), listing(dir));
  }

  @Test
  void failedWriteRemovesItsTemporaryFile() throws IOException {
    // The target is a non-empty directory, so the final rename fails after the data was written.
    Path target = dir.resolve("occupied.safetensors");
    Files.createDirectories(target.resolve("child"));
    assertThrows(IOException.class, () -> Safetensors.write(target, sample(), null));
    assertEquals(List.of("occupied.safetensors"), listing(dir));
    assertTrue(Files.isDirectory(target.resolve("child")), "the target is left as it was");
  }

  @Test
  void relativePathWrites() throws IOException {
    // A bare file name has no parent; the writer must resolve it against the working directory.
    Path relative = Path.of("sparkconv-relative-" + SEED + ".safetensors");
    try {
      Safetensors.write(relative, sample(), null);
      assertEquals(7, Safetensors.read(relative).tensors().size());
    } finally {
      Files.deleteIfExists(relative);
    }
  }

  private static List<String> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(x -> x.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
