package io.sparkconv.kernels.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Strict reader and writer of the safetensors format: an 8-byte little-endian header length N, N
 * bytes of UTF-8 JSON {@code {"key": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * ..., "__metadata__": {"k": "v"}}}, then the data buffer, offsets relative to its start, every
 * tensor little-endian in C order.
 *
 * <p><b>Reading</b> accepts exactly what huggingface/safetensors ({@code
 * safetensors/src/tensor.rs}) accepts, and a little less: the header is at most 100,000,000 bytes
 * and fits in the file (both checked before anything is allocated), it is strict UTF-8 holding one
 * JSON object without duplicate keys, every entry has exactly {@code dtype}, {@code shape} and
 * {@code data_offsets} (the reference ignores extra fields; we refuse them), dtypes are ones the
 * reference knows, shapes are non-negative integers whose byte size, computed without overflow,
 * equals {@code end - begin}, and the tensors, sorted by offset, tile the data buffer exactly: no
 * overlap, no hole, no trailing byte. {@code __metadata__} values must be strings. A file that
 * fails a check is rejected as a whole with a {@link SafetensorsException} naming the file, the key
 * and the rule.
 *
 * <p><b>Dtypes.</b> {@code F32} becomes {@link DType#FLOAT32}, {@code F64} {@link DType#FLOAT64},
 * {@code C64} {@link DType#COMPLEX64} (interleaved re, im). {@code F16} and {@code BF16} are
 * widened to {@link DType#FLOAT32}: every value of either format is exactly representable in
 * float32, so the widening is lossless (the tensor's dtype is then float32, not the file's). Any
 * other dtype (the integer types, {@code BOOL}, the 8/6/4-bit floats) makes the read fail with a
 * message naming the key and the dtype.
 *
 * <p><b>PyTorch pickles</b> ({@code torch.save} output: a zip archive, or a raw pickle stream; or
 * any invalid file named {@code .pt}, {@code .pth}, {@code .bin}, {@code .ckpt}) are refused with a
 * message that says how to convert them. Nothing read from a file is ever executed.
 *
 * <p><b>Writing</b> stores {@link DType#FLOAT32} as {@code F32}, {@link DType#FLOAT64} as {@code
 * F64}, and {@link DType#COMPLEX64} of shape S as {@code F32} of shape S + [2] (the layout of
 * {@code torch.view_as_real}, which every safetensors version and PyTorch can read). Tensors are
 * laid out in the map's iteration order; {@code __metadata__} comes first when non-empty; the
 * header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
 *
 * <p>All methods are thread-safe (no shared mutable state).
 */
public final class Safetensors {
  /** The reference implementation's limit on the header length, in bytes. */
  public static final long MAX_HEADER_SIZE = 100_000_000L;

  /** Bytes moved per read or write call; a multiple of every element size. */
  private static final int CHUNK = 1 << 20;

  /** Largest Java array SparkConv allocates for one tensor (the JDK's own safe limit). */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final String METADATA_KEY = "__metadata__";

  private static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  // Jackson caps strings at 20M chars by default; a header may legally be 100 MB.
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxStringLength((int) MAX_HEADER_SIZE)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Safetensors() {}

  // ---------------------------------------------------------------------------------------------
  // Reading

  /**
   * Reads and checks a whole safetensors file. The file is opened once; its size is checked against
   * the header length before the header is read, and each tensor is read straight into its Java
   * array in 1 MiB chunks (no copy of the whole file is held).
   *
   * @throws SafetensorsException when the file is not valid safetensors, is a PyTorch pickle, or
   *     holds a dtype SparkConv does not read
   * @throws IOException when the file cannot be opened or read
   */
  public static SafetensorsFile read(Path path) throws IOException {
    String displayName = path.toString();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(new ChannelSource(channel, displayName), displayName, fileName(path));
    }
  }

  /**
   * Reads and checks a safetensors file held in memory, with the same checks as {@link
   * #read(Path)}.
   *
   * @param displayName names the bytes in error messages (a path or a label)
   */
  public static SafetensorsFile read(byte[] bytes, String displayName) throws SafetensorsException {
    try {
      return read(new ArraySource(bytes, displayName), displayName, displayName);
    } catch (SafetensorsException e) {
      throw e;
    } catch (IOException e) {
      // ArraySource only throws SafetensorsException.
      throw new UncheckedIOException(e);
    }
  }

  private static SafetensorsFile read(Source src, String displayName, String fileName)
      throws IOException {
    Header header;
    try {
      header = parseHeader(src, displayName);
    } catch (SafetensorsException e) {
      throw pickleOr(src, displayName, fileName, e);
    }
    return decode(src, displayName, header);
  }

  /** A validated header: entries in header order, plus where the data buffer starts. */
  private static final class Header {
    final List<Entry> entries;
    final Map<String, String> metadata;
    final long dataStart;

    Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
      this.entries = entries;
      this.metadata = metadata;
      this.dataStart = dataStart;
    }
  }

  private static final class Entry {
    final String key;
    final SafetensorsDtype dtype;
    final long[] shape;
    final long begin;
    final long end;

    Entry(String key, SafetensorsDtype dtype, long[] shape, long begin, long end) {
      this.key = key;
      this.dtype = dtype;
      this.shape = shape;
      this.begin = begin;
      this.end = end;
    }

    String offsets() {
      return "[" + begin + ", " + end + "]";
    }
  }

  /**
   * When the 8 length bytes are printable ASCII the file is text (a JSON model, a CSV), not
   * safetensors: say so, since "header length 8313491433321996923" alone puzzles a user.
   */
  private static String textHint(ByteBuffer first8) {
    StringBuilder t = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      int c = first8.get(i) & 0xff;
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c > 0x7e) {
        return "";
      }
      t.append(c < 0x20 ? ' ' : (char) c);
    }
    return "; this is a text file (it starts with \""
        + t.toString().strip()
        + "\"), not safetensors";
  }

  private static Header parseHeader(Source src, String name) throws IOException {
    long size = src.size();
    if (size < 8) {
      throw new SafetensorsException(
          name,
          "file is "
              + size
              + " bytes long, shorter than the 8-byte header length every safetensors file"
              + " starts with");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    src.readFully(0, lengthBytes);
    long n = lengthBytes.getLong(0);
    // n is an unsigned 64-bit integer: a negative long is above 2^63 and so above the limit.
    if (n < 0 || n > MAX_HEADER_SIZE) {
      throw new SafetensorsException(
          name,
          "header length "
              + Long.toUnsignedString(n)
              + " bytes exceeds the limit of "
              + MAX_HEADER_SIZE
              + " bytes"
              + textHint(lengthBytes));
    }
    if (n > size - 8) {
      throw new SafetensorsException(
          name,
          "header length "
              + n
              + " bytes exceeds the "
              + (size - 8)
              + " bytes that follow it (file is "
              + size
              + " bytes; truncated?)");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
    src.readFully(8, headerBytes);
    headerBytes.flip();
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(headerBytes)
              .toString();
    } catch (CharacterCodingException e) {
      throw new SafetensorsException(name, "header is not valid UTF-8");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(
          name, "header is not valid JSON: " + oneLine(e.getOriginalMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsException(
          name,
          "header must be a JSON object, found "
              + (root == null || root.isMissingNode() ? "nothing" : describe(root)));
    }

    long bufferLength = size - 8 - n;
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals(METADATA_KEY)) {
        parseMetadata(name, field.getValue(), metadata);
      } else {
        entries.add(parseEntry(name, field.getKey(), field.getValue(), bufferLength));
      }
    }
    checkTiling(name, entries, bufferLength);
    return new Header(entries, metadata, 8 + n);
  }

  private static void parseMetadata(String name, JsonNode node, Map<String, String> out)
      throws SafetensorsException {
    if (node.isNull()) {
      return; // the reference reads null as "no metadata"
    }
    if (!node.isObject()) {
      throw new SafetensorsException(
          name, "__metadata__ must be an object of strings, found " + describe(node));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new SafetensorsException(
            name,
            "__metadata__ value of "
                + quote(e.getKey())
                + " must be a string, found "
                + describe(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
  }

  private static Entry parseEntry(String name, String key, JsonNode node, long bufferLength)
      throws SafetensorsException {
    String where = "tensor " + quote(key);
    if (!node.isObject()) {
      throw new SafetensorsException(
          name,
          where + " must be an object with dtype, shape and data_offsets, found " + describe(node));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("dtype") && !f.equals("shape") && !f.equals("data_offsets")) {
        throw new SafetensorsException(
            name,
            where + " has unexpected field " + quote(f) + " (expected dtype, shape, data_offsets)");
      }
    }
    JsonNode dtypeNode = required(name, where, node, "dtype");
    if (!dtypeNode.isTextual()) {
      throw new SafetensorsException(
          name, where + " dtype must be a string, found " + describe(dtypeNode));
    }
    SafetensorsDtype dtype = SafetensorsDtype.fromCode(dtypeNode.textValue());
    if (dtype == null) {
      throw new SafetensorsException(
          name,
          where
              + " has unknown dtype "
              + quote(dtypeNode.textValue())
              + " (safetensors dtypes: "
              + SafetensorsDtype.knownList()
              + ")");
    }

    JsonNode shapeNode = required(name, where, node, "shape");
    if (!shapeNode.isArray()) {
      throw new SafetensorsException(
          name, where + " shape must be an array of integers, found " + describe(shapeNode));
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = nonNegativeLong(name, where + " shape", shapeNode.get(i));
    }

    JsonNode offsetsNode = required(name, where, node, "data_offsets");
    if (!offsetsNode.isArray() || offsetsNode.size() != 2) {
      throw new SafetensorsException(
          name,
          where + " data_offsets must be an array [begin, end], found " + describe(offsetsNode));
    }
    long begin = nonNegativeLong(name, where + " data_offsets", offsetsNode.get(0));
    long end = nonNegativeLong(name, where + " data_offsets", offsetsNode.get(1));
    Entry entry = new Entry(key, dtype, shape, begin, end);

    if (end < begin) {
      throw new SafetensorsException(
          name, where + " data_offsets " + entry.offsets() + " end before they begin");
    }
    if (end > bufferLength) {
      throw new SafetensorsException(
          name,
          where
              + " data_offsets "
              + entry.offsets()
              + " run past the end of the data buffer ("
              + bufferLength
              + " bytes)");
    }
    long bytes;
    try {
      // Element count first, then bits, in the reference's order: [2^60, 0] is a valid empty
      // tensor.
      long elements = 1;
      for (long d : shape) {
        elements = Math.multiplyExact(elements, d);
      }
      long bits = Math.multiplyExact(elements, (long) dtype.bits);
      if (bits % 8 != 0) {
        throw new SafetensorsException(
            name,
            where
                + " of dtype "
                + dtype
                + " and shape "
                + Arrays.toString(shape)
                + " is not a whole number of bytes");
      }
      bytes = bits / 8;
    } catch (ArithmeticException e) {
      throw new SafetensorsException(
          name,
          where
              + " shape "
              + Arrays.toString(shape)
              + " of dtype "
              + dtype
              + " overflows: its byte size does not fit in 64 bits");
    }
    if (end - begin != bytes) {
      throw new SafetensorsException(
          name,
          where
              + " data_offsets "
              + entry.offsets()
              + " hold "
              + (end - begin)
              + " bytes but dtype "
              + dtype
              + " and shape "
              + Arrays.toString(shape)
              + " need "
              + bytes);
    }
    return entry;
  }

  /** Sorted by offset, the tensors must cover [0, bufferLength) exactly once. */
  private static void checkTiling(String name, List<Entry> entries, long bufferLength)
      throws SafetensorsException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.<Entry>comparingLong(e -> e.begin).thenComparingLong(e -> e.end));
    long expected = 0;
    Entry previous = null;
    for (Entry e : sorted) {
      if (e.begin < expected) {
        throw new SafetensorsException(
            name,
            "tensor "
                + quote(e.key)
                + " data_offsets "
                + e.offsets()
                + " overlap tensor "
                + quote(previous.key)
                + " data_offsets "
                + previous.offsets());
      }
      if (e.begin > expected) {
        throw new SafetensorsException(
            name,
            "bytes ["
                + expected
                + ", "
                + e.begin
                + ") of the data buffer belong to no tensor (a hole before tensor "
                + quote(e.key)
                + ")");
      }
      expected = e.end;
      previous = e;
    }
    if (expected != bufferLength) {
      throw new SafetensorsException(
          name,
          (bufferLength - expected)
              + " trailing bytes after the last tensor (tensors end at "
              + expected
              + ", the data buffer is "
              + bufferLength
              + " bytes)");
    }
  }

  private static SafetensorsFile decode(Source src, String name, Header header) throws IOException {
    // Refuse unreadable dtypes and Java size limits for every tensor before reading any data.
    for (Entry e : header.entries) {
      if (!e.dtype.readable()) {
        throw new SafetensorsException(
            name,
            "tensor "
                + quote(e.key)
                + " has dtype "
                + e.dtype
                + "; SparkConv reads F32, F64, C64, F16 and BF16 tensors only");
      }
      long scalars = e.dtype == SafetensorsDtype.C64 ? 2 : 1;
      for (long d : e.shape) {
        if (d > Integer.MAX_VALUE) {
          throw new SafetensorsException(
              name,
              "tensor "
                  + quote(e.key)
                  + " shape "
                  + Arrays.toString(e.shape)
                  + " has a dimension above SparkConv's limit of "
                  + Integer.MAX_VALUE);
        }
        scalars *= d; // cannot overflow: the byte size was checked with multiplyExact
      }
      if (scalars > MAX_ARRAY) {
        throw new SafetensorsException(
            name,
            "tensor "
                + quote(e.key)
                + " shape "
                + Arrays.toString(e.shape)
                + " holds "
                + scalars
                + " scalars, more than one Java array can hold ("
                + MAX_ARRAY
                + ")");
      }
    }
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Entry e : header.entries) {
      tensors.put(e.key, decodeTensor(src, header.dataStart, e, chunk));
    }
    return new SafetensorsFile(name, tensors, header.metadata);
  }

  private static Tensor decodeTensor(Source src, long dataStart, Entry e, ByteBuffer chunk)
      throws IOException {
    int[] shape = new int[e.shape.length];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = (int) e.shape[i];
    }
    long elementBytes = e.dtype.bits / 8;
    int scalars =
        (int) ((e.end - e.begin) / elementBytes) * (e.dtype == SafetensorsDtype.C64 ? 2 : 1);
    float[] floats = e.dtype == SafetensorsDtype.F64 ? null : new float[scalars];
    double[] doubles = e.dtype == SafetensorsDtype.F64 ? new double[scalars] : null;
    long pos = dataStart + e.begin;
    long remaining = e.end - e.begin;
    int index = 0;
    while (remaining > 0) {
      int len = (int) Math.min(remaining, CHUNK);
      chunk.clear().limit(len);
      src.readFully(pos, chunk);
      chunk.flip();
      switch (e.dtype) {
        case F32:
        case C64:
          chunk.asFloatBuffer().get(floats, index, len / 4);
          index += len / 4;
          break;
        case F64:
          chunk.asDoubleBuffer().get(doubles, index, len / 8);
          index += len / 8;
          break;
        case F16:
          for (int i = 0; i < len; i += 2) {
            floats[index++] = HalfFloats.halfToFloat(chunk.getShort(i));
          }
          break;
        case BF16:
          for (int i = 0; i < len; i += 2) {
            floats[index++] = HalfFloats.bfloat16ToFloat(chunk.getShort(i));
          }
          break;
        default:
          throw new AssertionError(e.dtype);
      }
      pos += len;
      remaining -= len;
    }
    switch (e.dtype) {
      case F64:
        return Tensor.ofDoubles(doubles, shape);
      case C64:
        return Tensor.ofComplex(floats, shape);
      default:
        return Tensor.ofFloats(floats, shape);
    }
  }

  private static JsonNode required(String name, String where, JsonNode node, String field)
      throws SafetensorsException {
    JsonNode value = node.get(field);
    if (value == null) {
      throw new SafetensorsException(name, where + " has no '" + field + "'");
    }
    return value;
  }

  private static long nonNegativeLong(String name, String what, JsonNode node)
      throws SafetensorsException {
    if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0) {
      throw new SafetensorsException(
          name, what + " must hold non-negative integers, found " + describe(node));
    }
    if (!node.canConvertToLong()) {
      throw new SafetensorsException(
          name, what + " value " + node.bigIntegerValue() + " is above 2^63 - 1");
    }
    return node.longValue();
  }

  private static String describe(JsonNode node) {
    String text = node.toString();
    String kind = node.getNodeType().name().toLowerCase(Locale.ROOT);
    return kind + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
  }

  /**
   * A key or value as messages show it: in single quotes, with control characters escaped so that a
   * hostile key cannot break the one-line message.
   */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  // ---------------------------------------------------------------------------------------------
  // PyTorch pickles

  /**
   * The exception to throw for a file that failed the structural checks: a pickle explanation when
   * the file looks like a PyTorch checkpoint, else {@code cause} itself.
   */
  private static SafetensorsException pickleOr(
      Source src, String displayName, String fileName, SafetensorsException cause)
      throws IOException {
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(8, src.size()));
    src.readFully(0, head);
    byte[] b = head.array();
    String kind = null;
    if (b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
      kind = "a zip archive, the format torch.save writes";
    } else if (b.length >= 2 && (b[0] & 0xff) == 0x80 && b[1] >= 2 && b[1] <= 5) {
      kind = "a raw pickle stream (protocol " + b[1] + ")";
    }
    String lower = fileName.toLowerCase(Locale.ROOT);
    String extension = null;
    for (String ext : new String[] {".pt", ".pth", ".bin", ".ckpt"}) {
      if (lower.endsWith(ext)) {
        extension = ext;
      }
    }
    if (kind == null && extension == null) {
      return cause;
    }
    String what =
        kind != null
            ? "is a PyTorch pickle checkpoint (" + kind + "), not a safetensors file"
            : "is not a valid safetensors file ("
                + cause.problem()
                + ") and its "
                + extension
                + " name marks a PyTorch pickle checkpoint";
    return new SafetensorsException(
        displayName,
        what
            + "; SparkConv never unpickles weight files, because unpickling can run arbitrary"
            + " code. Convert it once where PyTorch is installed: "
            + conversionCommand(displayName, extension)
            + " (for a pickled full module, save torch.load(...).state_dict() instead)",
        cause);
  }

  private static String conversionCommand(String displayName, String extension) {
    String in = "IN.pt";
    String out = "OUT.safetensors";
    // Name the user's own file when it can be quoted safely inside the Python string.
    if (displayName.matches("[A-Za-z0-9_./+-]+")) {
      in = displayName;
      int dot = displayName.lastIndexOf('.');
      int slash = displayName.lastIndexOf('/');
      out = (dot > slash ? displayName.substring(0, dot) : displayName) + ".safetensors";
    }
    return "python -c \"import torch; from safetensors.torch import save_file; save_file(torch.load('"
        + in
        + "', map_location='cpu'), '"
        + out
        + "')\"";
  }

  private static String fileName(Path path) {
    Path f = path.getFileName();
    return f == null ? path.toString() : f.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * Writes {@code tensors} (in iteration order) and {@code metadata} to {@code path} atomically:
   * the bytes go to a temporary file in the same directory, which is flushed to disk and then
   * renamed over {@code path}. Readers never see a half-written file; on failure the temporary file
   * is removed and {@code path} is untouched.
   *
   * @param metadata stored as {@code __metadata__}; null or empty writes none
   * @throws IllegalArgumentException for a null or reserved ({@code __metadata__}) key, a null
   *     tensor or metadata entry, or a header above {@link #MAX_HEADER_SIZE}
   */
  public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Layout layout = layout(tensors, metadata);
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    FileChannel channel = null;
    // Not Files.createTempFile: it creates mode 0600, and the renamed file would keep that mode.
    while (channel == null) {
      tmp =
          dir.resolve(
              "."
                  + fileName(target)
                  + "."
                  + Long.toHexString(ThreadLocalRandom.current().nextLong())
                  + ".tmp");
      try {
        channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        // try another name
      }
    }
    boolean moved = false;
    try {
      try (FileChannel out = channel) {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer head =
            ByteBuffer.allocate(8 + layout.header.length).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(layout.header.length).put(layout.header).flip();
        writeFully(out, head);
        for (Tensor t : layout.tensors) {
          encode(t, buf, b -> writeFully(out, b));
        }
        out.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * The bytes {@link #write} would store, for files small enough for one array.
   *
   * @throws IllegalArgumentException as {@link #write}, or when the file would exceed 2 GiB
   */
  public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
    Layout layout = layout(tensors, metadata);
    long total = 8 + layout.header.length + layout.dataLength;
    if (total > MAX_ARRAY) {
      throw new IllegalArgumentException(
          "safetensors file of " + total + " bytes is too large for one byte[]; use write(Path)");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(layout.header.length).put(layout.header);
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    try {
      for (Tensor t : layout.tensors) {
        encode(t, buf, out::put);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteBuffer sink does not throw
    }
    return out.array();
  }

  private static final class Layout {
    final byte[] header;
    final List<Tensor> tensors;
    final long dataLength;

    Layout(byte[] header, List<Tensor> tensors, long dataLength) {
      this.header = header;
      this.tensors = tensors;
      this.dataLength = dataLength;
    }
  }

  private static Layout layout(Map<String, Tensor> tensors, Map<String, String> metadata) {
    if (tensors == null) {
      throw new IllegalArgumentException("tensors must not be null");
    }
    ObjectNode root = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = root.putObject(METADATA_KEY);
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          throw new IllegalArgumentException(
              "metadata entry " + e.getKey() + "=" + e.getValue() + " has a null key or value");
        }
        meta.put(e.getKey(), e.getValue());
      }
    }
    List<Tensor> order = new ArrayList<>(tensors.size());
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String key = e.getKey();
      Tensor t = e.getValue();
      if (key == null) {
        throw new IllegalArgumentException("tensor key must not be null");
      }
      if (key.equals(METADATA_KEY)) {
        throw new IllegalArgumentException(
            "tensor key '" + METADATA_KEY + "' is reserved for the file's metadata");
      }
      if (t == null) {
        throw new IllegalArgumentException("tensor " + quote(key) + " is null");
      }
      long bytes = Tensor.numel(t.shape()) * t.dtype().byteSize();
      ObjectNode info = root.putObject(key);
      info.put("dtype", t.dtype() == DType.FLOAT64 ? "F64" : "F32");
      ArrayNode shape = info.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      if (t.dtype() == DType.COMPLEX64) {
        shape.add(2); // torch.view_as_real layout: (re, im) as a trailing dimension
      }
      info.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
      order.add(t);
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
    int padded = (json.length + 7) / 8 * 8;
    if (padded > MAX_HEADER_SIZE) {
      throw new IllegalArgumentException(
          "safetensors header of " + padded + " bytes exceeds the limit of " + MAX_HEADER_SIZE);
    }
    byte[] header = Arrays.copyOf(json, padded);
    Arrays.fill(header, json.length, padded, (byte) ' ');
    return new Layout(header, order, offset);
  }

  private interface Sink {
    void accept(ByteBuffer filled) throws IOException;
  }

  /** Streams the tensor's scalars little-endian through {@code buf} in chunks. */
  private static void encode(Tensor t, ByteBuffer buf, Sink sink) throws IOException {
    int n = t.scalarCount();
    if (t.dtype() == DType.FLOAT64) {
      double[] data = t.doubles();
      for (int i = 0; i < n; ) {
        int len = Math.min(n - i, buf.capacity() / 8);
        buf.clear();
        buf.asDoubleBuffer().put(data, i, len);
        buf.limit(len * 8);
        sink.accept(buf);
        i += len;
      }
    } else {
      float[] data = t.floats();
      for (int i = 0; i < n; ) {
        int len = Math.min(n - i, buf.capacity() / 4);
        buf.clear();
        buf.asFloatBuffer().put(data, i, len);
        buf.limit(len * 4);
        sink.accept(buf);
        i += len;
      }
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Byte sources

  private interface Source {
    long size() throws IOException;

    /** Fills {@code dst} from its position to its limit with the bytes at {@code pos}. */
    void readFully(long pos, ByteBuffer dst) throws IOException;
  }

  private static final class ArraySource implements Source {
    private final byte[] bytes;
    private final String name;

    ArraySource(byte[] bytes, String name) {
      this.bytes = bytes;
      this.name = name;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void readFully(long pos, ByteBuffer dst) throws SafetensorsException {
      if (pos + dst.remaining() > bytes.length) {
        throw new SafetensorsException(name, "ended at byte " + bytes.length);
      }
      dst.put(bytes, (int) pos, dst.remaining());
    }
  }

  private static final class ChannelSource implements Source {
    private final FileChannel channel;
    private final String name;

    ChannelSource(FileChannel channel, String name) {
      this.channel = channel;
      this.name = name;
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void readFully(long pos, ByteBuffer dst) throws IOException {
      long at = pos;
      while (dst.hasRemaining()) {
        int r = channel.read(dst, at);
        if (r < 0) {
          throw new SafetensorsException(
              name,
              "file ended at byte "
                  + at
                  + ", before the end its header promises (was it changed while being read?)");
        }
        at += r;
      }
    }
  }
}
