package io.sparkconv.kernels.safetensors;

import static io.sparkconv.kernels.safetensors.StBytes.file;
import static io.sparkconv.kernels.safetensors.StBytes.withLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files the strict reader must refuse, each with the fragment its one-line message must contain
 * (the spirit of PyTorch's OpInfo error_inputs tables). Every case goes through both the byte[] and
 * the Path reader.
 */
class SafetensorsHostileFileTest {
  @TempDir Path dir;

  private static final String T = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";

  static Stream<Arguments> hostile() {
    return Stream.of(
        Arguments.of("empty file", new byte[0], "shorter than the 8-byte header length"),
        Arguments.of(
            "a JSON file",
            "{\"layers\": []}\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            "this is a text file (it starts with \"{\"layers\"), not safetensors"),
        Arguments.of("7 bytes", new byte[7], "file is 7 bytes long"),
        Arguments.of(
            "absurd header length",
            withLength(100_000_001L, new byte[16]),
            "header length 100000001 bytes exceeds the limit of 100000000"),
        Arguments.of(
            "header length above 2^63",
            withLength(-1L, new byte[16]),
            "header length 18446744073709551615 bytes exceeds the limit"),
        Arguments.of(
            "header length past the file",
            withLength(64, "{}".getBytes()),
            "header length 64 bytes exceeds the 2 bytes that follow it"),
        Arguments.of(
            "truncated data",
            file("{\"a\":" + T + "[0,8]}}", 5),
            "run past the end of the data buffer (5 bytes)"),
        Arguments.of(
            "offsets past the end",
            file("{\"a\":" + T + "[0,8]},\"b\":" + T + "[8,16]}}", 12),
            "tensor 'b' data_offsets [8, 16] run past the end"),
        Arguments.of(
            "offsets reversed", file("{\"a\":" + T + "[8,0]}}", 8), "end before they begin"),
        Arguments.of(
            "overlapping tensors",
            file("{\"a\":" + T + "[0,8]},\"b\":" + T + "[4,12]}}", 12),
            "tensor 'b' data_offsets [4, 12] overlap tensor 'a' data_offsets [0, 8]"),
        Arguments.of(
            "the same bytes twice",
            file("{\"a\":" + T + "[0,8]},\"b\":" + T + "[0,8]}}", 8),
            "overlap tensor"),
        Arguments.of(
            "hole between tensors",
            file("{\"a\":" + T + "[0,8]},\"b\":" + T + "[12,20]}}", 20),
            "bytes [8, 12) of the data buffer belong to no tensor (a hole before tensor 'b')"),
        Arguments.of("hole at the start", file("{\"a\":" + T + "[4,12]}}", 12), "bytes [0, 4)"),
        Arguments.of(
            "key with a newline stays one line",
            file("{\"a\\nb\":" + T + "[4,12]}}", 12),
            "a hole before tensor 'a\\u000ab'"),
        Arguments.of(
            "trailing bytes",
            file("{\"a\":" + T + "[0,8]}}", 11),
            "3 trailing bytes after the last tensor"),
        Arguments.of("data but no tensors", file("{}", 4), "4 trailing bytes"),
        Arguments.of(
            "shape and size disagree",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
            "data_offsets [0, 8] hold 8 bytes but dtype F32 and shape [3] need 12"),
        Arguments.of(
            "overflowing shape",
            file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483648,2147483648,8],"
                    + "\"data_offsets\":[0,8]}}",
                8),
            "shape [2147483648, 2147483648, 8] of dtype F32 overflows"),
        Arguments.of(
            "negative dimension",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8),
            "tensor 'a' shape must hold non-negative integers"),
        Arguments.of(
            "fractional dimension",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8),
            "shape must hold non-negative integers, found number 2.0"),
        Arguments.of(
            "negative offset",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8),
            "data_offsets must hold non-negative integers"),
        Arguments.of(
            "three offsets",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}", 8),
            "data_offsets must be an array [begin, end]"),
        Arguments.of(
            "unknown dtype",
            file("{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", 16),
            "tensor 'a' has unknown dtype 'F128'"),
        Arguments.of(
            "lower-case dtype",
            file("{\"a\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
            "unknown dtype 'f32'"),
        Arguments.of(
            "dtype not a string",
            file("{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
            "tensor 'a' dtype must be a string"),
        Arguments.of(
            "missing shape",
            file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8),
            "tensor 'a' has no 'shape'"),
        Arguments.of(
            "extra field",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 8),
            "tensor 'a' has unexpected field 'x'"),
        Arguments.of(
            "entry not an object", file("{\"a\":[1,2]}", 0), "tensor 'a' must be an object"),
        Arguments.of(
            "duplicate key",
            file("{\"a\":" + T + "[0,8]},\"a\":" + T + "[8,16]}}", 16),
            "Duplicate field 'a'"),
        Arguments.of(
            "duplicate key inside an entry",
            file(
                "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                8),
            "Duplicate field 'dtype'"),
        Arguments.of("JSON array header", file("[1,2,3]", 0), "header must be a JSON object"),
        Arguments.of("JSON string header", file("\"x\"", 0), "header must be a JSON object"),
        Arguments.of("empty header", file("", 0), "header must be a JSON object, found nothing"),
        Arguments.of("broken JSON", file("{\"a\":", 0), "header is not valid JSON"),
        Arguments.of("trailing JSON", file("{} {}", 0), "header is not valid JSON"),
        Arguments.of(
            "invalid UTF-8",
            withLength(4, new byte[] {'{', '"', (byte) 0xff, '}'}),
            "header is not valid UTF-8"),
        Arguments.of(
            "metadata value not a string",
            file("{\"__metadata__\":{\"epoch\":3}}", 0),
            "__metadata__ value of 'epoch' must be a string, found number 3"),
        Arguments.of(
            "metadata not an object",
            file("{\"__metadata__\":[\"a\"]}", 0),
            "__metadata__ must be an object of strings"),
        Arguments.of(
            "zip magic (torch.save)",
            StBytes.concat(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0}, new byte[64]),
            "is a PyTorch pickle checkpoint (a zip archive"),
        Arguments.of(
            "raw pickle magic",
            StBytes.concat(
                new byte[] {(byte) 0x80, 2, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc}, new byte[64]),
            "is a PyTorch pickle checkpoint (a raw pickle stream (protocol 2))"),
        Arguments.of(
            "tiny raw pickle", new byte[] {(byte) 0x80, 4, '.'}, "raw pickle stream (protocol 4)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void refusesFromBytes(String what, byte[] bytes, String fragment) {
    SafetensorsException e =
        assertThrows(SafetensorsException.class, () -> Safetensors.read(bytes, "bad.safetensors"));
    assertMessage(e, "bad.safetensors: ", fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void refusesFromFile(String what, byte[] bytes, String fragment) throws IOException {
    Path p = dir.resolve("bad.safetensors");
    Files.write(p, bytes);
    SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(p));
    assertMessage(e, p + ": ", fragment);
  }

  private static void assertMessage(SafetensorsException e, String prefix, String fragment) {
    String m = e.getMessage();
    assertTrue(m.startsWith(prefix), () -> "message should start with '" + prefix + "': " + m);
    assertTrue(m.contains(fragment), () -> "message should contain '" + fragment + "': " + m);
    assertFalse(m.contains("\n"), () -> "message should be one line: " + m);
  }

  @Test
  void pickleMessageSaysWhyAndHowToConvert() throws IOException {
    Path p = dir.resolve("model.pt");
    Files.write(p, StBytes.concat(new byte[] {'P', 'K', 3, 4}, new byte[100]));
    SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(p));
    String m = e.getMessage();
    assertTrue(m.contains("never unpickles"), m);
    assertTrue(
        m.contains(
            "python -c \"import torch; from safetensors.torch import save_file; save_file("
                + "torch.load('"
                + p
                + "', map_location='cpu'), '"
                + dir.resolve("model.safetensors")
                + "')\""),
        m);
    assertTrue(m.contains(".state_dict()"), m);
  }

  @Test
  void invalidFileWithPickleExtensionIsExplainedAsPickle() throws IOException {
    // A legacy (non-zip) torch.save stream starts 0x80 0x02 too, but any name ending .bin that is
    // not safetensors gets the pickle explanation with the underlying reason.
    for (String name : new String[] {"w.bin", "w.PTH", "w.ckpt", "w.pt"}) {
      Path p = dir.resolve(name);
      Files.write(p, withLength(100, new byte[10]));
      SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(p));
      String m = e.getMessage();
      assertTrue(m.contains("is not a valid safetensors file (header length 100 bytes"), m);
      assertTrue(m.contains("marks a PyTorch pickle checkpoint"), m);
      assertTrue(m.contains("save_file(torch.load("), m);
    }
  }

  @Test
  void unusualCharactersInTheNameFallBackToPlaceholders() {
    byte[] zip = StBytes.concat(new byte[] {'P', 'K', 3, 4}, new byte[100]);
    SafetensorsException e =
        assertThrows(SafetensorsException.class, () -> Safetensors.read(zip, "it's.pt"));
    assertTrue(
        e.getMessage().contains("torch.load('IN.pt', map_location='cpu'), 'OUT.safetensors')"));
  }

  @Test
  void validSafetensorsWithPickleExtensionReads() throws IOException {
    Path p = dir.resolve("weights.bin");
    Files.write(p, file("{\"a\":" + T + "[0,8]}}", StBytes.floatsLe(1f, 2f)));
    assertEquals(1f, Safetensors.read(p).tensor("a").floats()[0]);
  }

  @Test
  void unsupportedDtypeIsNotCalledAPickleEvenWithPickleExtension() {
    byte[] ints = file("{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
    SafetensorsException e =
        assertThrows(SafetensorsException.class, () -> Safetensors.read(ints, "ids.bin"));
    assertEquals(
        "ids.bin: tensor 'ids' has dtype I64; SparkConv reads F32, F64, C64, F16 and BF16 tensors"
            + " only",
        e.getMessage());
  }

  @Test
  void everyKnownButUnreadableDtypeNamesKeyAndDtype() {
    for (SafetensorsDtype d : SafetensorsDtype.values()) {
      if (d.readable()) {
        continue;
      }
      // 16 elements: a whole number of bytes for the 4- and 6-bit types too.
      int bytes = 16 * d.bits / 8;
      byte[] f =
          file(
              "{\"x\":{\"dtype\":\""
                  + d
                  + "\",\"shape\":[4,4],\"data_offsets\":[0,"
                  + bytes
                  + "]}}",
              bytes);
      SafetensorsException e =
          assertThrows(SafetensorsException.class, () -> Safetensors.read(f, "q.safetensors"));
      assertTrue(
          e.getMessage().contains("tensor 'x' has dtype " + d + "; SparkConv reads F32"),
          e.getMessage());
    }
  }

  @Test
  void subByteDtypeMustFillWholeBytes() {
    // 3 F4 values are 12 bits; the reference refuses such a tensor too.
    byte[] f = file("{\"x\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 2);
    SafetensorsException e =
        assertThrows(SafetensorsException.class, () -> Safetensors.read(f, "f4.safetensors"));
    assertTrue(e.getMessage().contains("is not a whole number of bytes"), e.getMessage());
  }

  @Test
  void dimensionAboveIntRangeIsRefusedEvenWhenEmpty() {
    // Valid for the reference (zero bytes), but a Tensor shape is int[].
    byte[] f =
        file("{\"x\":{\"dtype\":\"F32\",\"shape\":[3000000000,0],\"data_offsets\":[0,0]}}", 0);
    SafetensorsException e =
        assertThrows(SafetensorsException.class, () -> Safetensors.read(f, "big.safetensors"));
    assertTrue(
        e.getMessage().contains("has a dimension above SparkConv's limit of 2147483647"),
        e.getMessage());
  }

  @Test
  void absurdHeaderLengthIsRefusedWithoutReadingOrAllocating() throws IOException {
    // A 16-byte file claiming a 99 MB header: refused by the file-size check, so nothing of that
    // size is allocated (the test's 3 GB heap would survive it anyway; the message proves which
    // check fired).
    Path p = dir.resolve("liar.safetensors");
    Files.write(p, withLength(99_000_000L, new byte[8]));
    SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(p));
    assertTrue(e.getMessage().contains("exceeds the 8 bytes that follow it"), e.getMessage());
  }
}
