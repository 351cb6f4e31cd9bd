package io.sparkconv.kernels.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.kernels.spec.ConvKind;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.spec.Padding;
import io.sparkconv.kernels.spec.PaddingMode;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.tensor.DType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the model JSON of CONTRACTS §2 into layer definitions. Strict: unknown fields, wrong types
 * and duplicate keys are errors that name the layer and the field; optional fields take PyTorch's
 * defaults.
 */
final class ModelParser {
  static final Set<String> TOP_FIELDS =
      Set.of("dtype", "weights", "init_seed", "layers", "name", "description");
  private static final Set<String> CONV_FIELDS =
      Set.of(
          "name",
          "type",
          "in_channels",
          "out_channels",
          "kernel_size",
          "stride",
          "padding",
          "dilation",
          "groups",
          "bias",
          "padding_mode",
          "dtype");
  private static final Set<String> TRANSPOSED_EXTRA = Set.of("output_padding", "output_size");
  private static final Set<String> ACTIVATION_FIELDS = Set.of("name", "type", "inplace");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** The parsed top level. {@code weights} or {@code initSeed} is null when absent. */
  record Parsed(DType dtype, String weights, Long initSeed, List<LayerDefinition> layers) {}

  private final String source;

  private ModelParser(String source) {
    this.source = source;
  }

  static Parsed parse(String json, String source) {
    return new ModelParser(source).parseTop(json);
  }

  private Parsed parseTop(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw error("is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw error("must hold a JSON object with \"layers\"");
    }
    checkFields(root, TOP_FIELDS, "the model");
    DType dtype = DType.FLOAT32;
    if (root.has("dtype")) {
      dtype = parseDtype(root.get("dtype"), "the model");
    }
    String weights = null;
    if (root.has("weights") && !root.get("weights").isNull()) {
      if (!root.get("weights").isTextual() || root.get("weights").asText().isBlank()) {
        throw error("\"weights\" must be a file name (relative to the model file)");
      }
      weights = root.get("weights").asText();
    }
    Long seed = null;
    if (root.has("init_seed") && !root.get("init_seed").isNull()) {
      seed = parseSeed(root.get("init_seed"));
    }
    if (weights != null && seed != null) {
      throw error("gives both \"weights\" and \"init_seed\"; use one");
    }
    if (weights == null && seed == null) {
      throw error(
          "gives neither \"weights\" (a safetensors file) nor \"init_seed\" (PyTorch's seeded"
              + " initialisation)");
    }
    JsonNode layers = root.get("layers");
    if (layers == null || !layers.isArray() || layers.isEmpty()) {
      throw error("needs a non-empty \"layers\" list");
    }
    List<LayerDefinition> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < layers.size(); i++) {
      LayerDefinition l = parseLayer(layers.get(i), i, dtype);
      if (!names.add(l.name())) {
        throw error("layer names must be unique, but \"" + l.name() + "\" appears twice");
      }
      out.add(l);
    }
    checkChaining(out);
    return new Parsed(dtype, weights, seed, out);
  }

  private LayerDefinition parseLayer(JsonNode node, int index, DType dtype) {
    String where = "layer " + index;
    if (!node.isObject()) {
      throw error(where + " must be a JSON object");
    }
    String name = String.valueOf(index);
    if (node.has("name")) {
      if (!node.get("name").isTextual() || node.get("name").asText().isEmpty()) {
        throw error(where + ": \"name\" must be a non-empty string");
      }
      name = node.get("name").asText();
    }
    where = "layer '" + name + "'";
    JsonNode typeNode = node.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw error(
          where + " needs a \"type\" (Conv2d, ConvTranspose2d, ReLU, LeakyReLU, Sigmoid, Tanh)");
    }
    String type = typeNode.asText();
    Activation.Kind act = Activation.Kind.fromTorchName(type);
    if (act != null) {
      Set<String> allowed = new LinkedHashSet<>(ACTIVATION_FIELDS);
      if (act == Activation.Kind.LEAKY_RELU) {
        allowed.add("negative_slope");
      }
      checkFields(node, allowed, where);
      if (node.has("inplace") && !node.get("inplace").isBoolean()) {
        throw error(where + ": \"inplace\" must be true or false");
      }
      double slope = Activation.DEFAULT_NEGATIVE_SLOPE;
      if (node.has("negative_slope")) {
        if (!node.get("negative_slope").isNumber()) {
          throw error(where + ": \"negative_slope\" must be a number");
        }
        slope = node.get("negative_slope").asDouble();
      }
      if (dtype.isComplex() && (act == Activation.Kind.RELU || act == Activation.Kind.LEAKY_RELU)) {
        throw error(where + ": " + type + " is not defined for complex64 (PyTorch refuses it too)");
      }
      return LayerDefinition.activation(name, act, slope);
    }
    ConvKind kind;
    if (type.equals("Conv2d")) {
      kind = ConvKind.CONV2D;
    } else if (type.equals("ConvTranspose2d")) {
      kind = ConvKind.CONV_TRANSPOSE2D;
    } else {
      throw error(
          where
              + ": unknown type \""
              + type
              + "\" (supported: Conv2d, ConvTranspose2d, ReLU, LeakyReLU, Sigmoid, Tanh)");
    }
    Set<String> allowed = new LinkedHashSet<>(CONV_FIELDS);
    if (kind.transposed()) {
      allowed.addAll(TRANSPOSED_EXTRA);
    }
    checkFields(node, allowed, where);
    if (node.has("dtype") && parseDtype(node.get("dtype"), where) != dtype) {
      throw error(
          where
              + ": dtype "
              + node.get("dtype").asText()
              + " differs from the model's "
              + dtype
              + " (one dtype per model)");
    }
    try {
      ConvSpec.Builder b =
          ConvSpec.builder(
                  kind,
                  requiredInt(node, "in_channels", where),
                  requiredInt(node, "out_channels", where),
                  pair(node, "kernel_size", where, null))
              .dtype(dtype);
      b.stride(pair(node, "stride", where, Size2.of(1)));
      b.dilation(pair(node, "dilation", where, Size2.of(1)));
      if (node.has("groups")) {
        b.groups(intValue(node.get("groups"), "groups", where));
      }
      if (node.has("bias")) {
        if (!node.get("bias").isBoolean()) {
          throw error(where + ": \"bias\" must be true or false");
        }
        b.bias(node.get("bias").asBoolean());
      }
      if (node.has("padding_mode")) {
        if (!node.get("padding_mode").isTextual()) {
          throw error(where + ": \"padding_mode\" must be a string");
        }
        b.paddingMode(PaddingMode.parse(node.get("padding_mode").asText()));
      }
      JsonNode pad = node.get("padding");
      if (pad != null && !pad.isNull()) {
        if (pad.isTextual()) {
          b.padding(Padding.parse(pad.asText()));
        } else {
          Size2 p = pair(node, "padding", where, null);
          b.padding(Padding.of(p.h(), p.w()));
        }
      }
      if (kind.transposed()) {
        b.outputPadding(pair(node, "output_padding", where, Size2.of(0)));
        if (node.has("output_size") && !node.get("output_size").isNull()) {
          b.outputSize(outputSize(node.get("output_size"), where));
        }
      }
      return LayerDefinition.conv(name, b.build());
    } catch (ModelFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw error(where + " (" + type + "): " + e.getMessage());
    }
  }

  /** Each convolution's in_channels must equal the previous convolution's out_channels. */
  private void checkChaining(List<LayerDefinition> layers) {
    LayerDefinition prev = null;
    for (LayerDefinition l : layers) {
      if (!l.isConv()) {
        continue;
      }
      if (prev != null && prev.conv().outChannels() != l.conv().inChannels()) {
        throw error(
            "layer '"
                + l.name()
                + "' expects "
                + l.conv().inChannels()
                + " input channels, but layer '"
                + prev.name()
                + "' produces "
                + prev.conv().outChannels());
      }
      prev = l;
    }
    if (prev == null) {
      throw error("has no Conv2d or ConvTranspose2d layer");
    }
  }

  private Size2 outputSize(JsonNode n, String where) {
    // As forward(x, output_size=...): [h, w] or the full [N, C, h, w] (batch and channels ignored).
    if (n.isArray() && (n.size() == 2 || n.size() == 4)) {
      int off = n.size() - 2;
      return Size2.of(
          intValue(n.get(off), "output_size", where),
          intValue(n.get(off + 1), "output_size", where));
    }
    throw error(where + ": \"output_size\" must be [h, w] (or [N, C, h, w]), got " + n);
  }

  private Size2 pair(JsonNode node, String field, String where, Size2 dflt) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      if (dflt == null) {
        throw error(where + " needs \"" + field + "\"");
      }
      return dflt;
    }
    if (n.isIntegralNumber()) {
      int v = intValue(n, field, where);
      return Size2.of(v);
    }
    if (n.isArray() && n.size() == 2) {
      return Size2.of(intValue(n.get(0), field, where), intValue(n.get(1), field, where));
    }
    throw error(where + ": \"" + field + "\" must be an int or a list of two ints, got " + n);
  }

  private int requiredInt(JsonNode node, String field, String where) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      throw error(where + " needs \"" + field + "\"");
    }
    return intValue(n, field, where);
  }

  private int intValue(JsonNode n, String field, String where) {
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw error(where + ": \"" + field + "\" must be an integer, got " + n);
    }
    return n.intValue();
  }

  private DType parseDtype(JsonNode n, String where) {
    if (!n.isTextual()) {
      throw error(where + ": \"dtype\" must be a string");
    }
    try {
      return DType.parse(n.asText());
    } catch (IllegalArgumentException e) {
      throw error(where + ": " + e.getMessage());
    }
  }

  /**
   * PyTorch's manual_seed accepts [-2^63, 2^64); negative seeds wrap modulo 2^64 and the generator
   * keeps the low 32 bits, so the low 64 bits as a long carry everything needed.
   */
  private Long parseSeed(JsonNode n) {
    if (!n.isIntegralNumber()) {
      throw error("\"init_seed\" must be an integer, got " + n);
    }
    BigInteger v = n.bigIntegerValue();
    if (v.compareTo(BigInteger.ONE.shiftLeft(63).negate()) < 0
        || v.compareTo(BigInteger.ONE.shiftLeft(64)) >= 0) {
      throw error(
          "\"init_seed\" "
              + v
              + " is out of range: PyTorch accepts [-0x8000_0000_0000_0000,"
              + " 0xffff_ffff_ffff_ffff]");
    }
    return v.longValue();
  }

  private void checkFields(JsonNode node, Set<String> allowed, String where) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        unknown.add(f);
      }
    }
    if (!unknown.isEmpty()) {
      throw error(
          where + ": unknown field(s) " + unknown + "; allowed: " + new ArrayList<>(allowed));
    }
  }

  private ModelFormatException error(String message) {
    return new ModelFormatException(source + ": " + message);
  }
}
