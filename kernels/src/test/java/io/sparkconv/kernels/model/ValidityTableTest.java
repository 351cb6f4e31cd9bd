package io.sparkconv.kernels.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkconv.kernels.spec.ConvShapes;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch 2.13's verdicts on ~300 layer + input combinations (golden/validity.json): we accept
 * exactly what PyTorch accepts, with its output shape, and refuse the rest with a message that
 * carries the rule PyTorch states.
 */
class ValidityTableTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * PyTorch's message → the fragment ours must contain. oneDNN's "could not construct a memory
   * descriptor" is PyTorch failing on a negative transposed output size; we say so plainly.
   */
  private static final Map<String, String> FRAGMENTS = new LinkedHashMap<>();

  static {
    FRAGMENTS.put("output padding must be smaller", "output padding must be smaller");
    FRAGMENTS.put("Kernel size can't be greater", "Kernel size can't be greater than actual input");
    FRAGMENTS.put("padding='same' is not supported", "padding='same' is not supported");
    FRAGMENTS.put("out_channels must be divisible by groups", "out_channels must be divisible");
    FRAGMENTS.put("in_channels must be divisible by groups", "in_channels must be divisible");
    FRAGMENTS.put("to have", "channels, but got");
    FRAGMENTS.put("Padding size should be less than", "Padding size should be less than");
    FRAGMENTS.put("wrapping around more than once", "wrapping around more than once");
    FRAGMENTS.put("Output size is too small", "Output size is too small");
    FRAGMENTS.put("memory descriptor", "Output size is too small");
    FRAGMENTS.put("non-positive stride", "non-positive stride");
    FRAGMENTS.put("kernel size should be greater than zero", "kernel size should be greater");
    FRAGMENTS.put("negative padding", "negative padding is not supported");
  }

  @TestFactory
  Stream<DynamicTest> everyCaseAsPyTorch() throws IOException {
    JsonNode cases;
    try (InputStream in = getClass().getResourceAsStream("/golden/validity.json")) {
      cases = JSON.readTree(in);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      String label = i + " " + c.get("layer") + " input " + c.get("input_shape");
      tests.add(DynamicTest.dynamicTest(label, () -> check(c)));
    }
    assertTrue(tests.size() >= 300, "validity.json has " + tests.size() + " cases");
    return tests.stream();
  }

  private static void check(JsonNode c) throws IOException {
    int[] input = JSON.treeToValue(c.get("input_shape"), int[].class);
    JsonNode expect = c.get("expect");
    if (expect.get("ok").asBoolean()) {
      int[] want = JSON.treeToValue(expect.get("output_shape"), int[].class);
      LayerDefinition layer = parseLayer(c.get("layer"));
      assertArrayEquals(want, ConvShapes.outputShape(layer.conv(), input), layer.conv().toString());
      return;
    }
    String torch = expect.get("torch_error").asText();
    String fragment =
        FRAGMENTS.entrySet().stream()
            .filter(e -> torch.contains(e.getKey()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no fragment for PyTorch error: " + torch));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConvShapes.outputShape(parseLayer(c.get("layer")).conv(), input),
            "PyTorch refuses: " + torch);
    if (e.getMessage().contains(fragment)) {
      return;
    }
    // One known order difference: we refuse a bad layer when the model is read, before any input;
    // PyTorch checks the input's channels first. Accept ours only if the channels are wrong too.
    boolean specRule = SPEC_RULES.stream().anyMatch(r -> e.getMessage().contains(r));
    int channels = input[input.length - 3];
    if (torch.contains("to have") && specRule) {
      assertTrue(
          channels != c.get("layer").get("in_channels").asInt(),
          "PyTorch's channel error must hold too");
      return;
    }
    fail("PyTorch: " + torch + "\nours:    " + e.getMessage() + "\nwanted fragment: " + fragment);
  }

  /** Rules checked on the layer alone, when the model is read. */
  private static final List<String> SPEC_RULES =
      List.of("output padding must be smaller", "kernel size should be greater than zero");

  /** The case's layer through the model-file parser, as a user's model would be read. */
  static LayerDefinition parseLayer(JsonNode layer) {
    ObjectNode model = JSON.createObjectNode();
    model.put("init_seed", 0);
    model.putArray("layers").add(layer);
    return ModelParser.parse(model.toString(), "validity.json").layers().get(0);
  }
}
