package io.sparkconv.kernels.model;

import io.sparkconv.kernels.backend.BackendChoice;
import io.sparkconv.kernels.backend.BackendSelector;
import io.sparkconv.kernels.backend.ConvPlan;
import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.init.TorchGenerator;
import io.sparkconv.kernels.init.TorchInit;
import io.sparkconv.kernels.safetensors.Safetensors;
import io.sparkconv.kernels.safetensors.SafetensorsFile;
import io.sparkconv.kernels.spec.ConvSpec;
import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.kernels.tensor.Tensors;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model file (CONTRACTS §2) with its weights read and checked: what the driver loads once and
 * broadcasts. Immutable and serializable; {@link #build} makes the plans where it runs (an
 * executor), so backend probes happen there.
 *
 * <p>Weights come from a safetensors file under PyTorch {@code state_dict} keys ({@code
 * <name>.weight}, {@code <name>.bias}) or from PyTorch's seeded initialisation ({@code
 * "init_seed"}).
 */
public final class ModelDefinition implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ModelDefinition.class);

  private final String source;
  private final DType dtype;
  private final List<LayerDefinition> layers;
  private final Long initSeed;
  // state_dict order: for each conv layer, weight then bias.
  private final LinkedHashMap<String, Tensor> stateDict;

  private ModelDefinition(
      String source,
      DType dtype,
      List<LayerDefinition> layers,
      Long initSeed,
      LinkedHashMap<String, Tensor> stateDict) {
    this.source = source;
    this.dtype = dtype;
    this.layers = List.copyOf(layers);
    this.initSeed = initSeed;
    this.stateDict = stateDict;
  }

  /**
   * Reads a model file and its weights (relative to the model file) or its seeded initialisation.
   *
   * @throws ModelFormatException for an invalid model or weights that do not match it (missing,
   *     extra and mis-shaped keys are all listed)
   * @throws IOException when a file cannot be read, or the weights file is not safetensors
   */
  public static ModelDefinition load(Path modelJson) throws IOException {
    String text;
    try {
      text = Files.readString(modelJson, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(modelJson.toString(), null, "model file not found");
    }
    String source = modelJson.getFileName().toString();
    ModelParser.Parsed p = ModelParser.parse(text, source);
    if (p.initSeed() != null) {
      return seeded(source, p.dtype(), p.layers(), p.initSeed());
    }
    Path base = modelJson.toAbsolutePath().getParent();
    Path weightsPath = base.resolve(p.weights());
    if (!Files.exists(weightsPath)) {
      throw new NoSuchFileException(
          weightsPath.toString(), null, "weights file named by " + source + " not found");
    }
    SafetensorsFile file = Safetensors.read(weightsPath);
    return withWeights(
        source, p.dtype(), p.layers(), file.tensors(), weightsPath.getFileName().toString());
  }

  /** Parses a model from JSON text whose weights come from {@code init_seed} (tests, tools). */
  public static ModelDefinition parseSeeded(String json, String source) {
    ModelParser.Parsed p = ModelParser.parse(json, source);
    if (p.initSeed() == null) {
      throw new ModelFormatException(source + ": has no \"init_seed\"");
    }
    return seeded(source, p.dtype(), p.layers(), p.initSeed());
  }

  /** A model from definitions and a state_dict, checked as a weights file would be. */
  public static ModelDefinition of(
      String source, DType dtype, List<LayerDefinition> layers, Map<String, Tensor> stateDict) {
    return withWeights(source, dtype, layers, stateDict, "state_dict");
  }

  private static ModelDefinition seeded(
      String source, DType dtype, List<LayerDefinition> layers, long seed) {
    TorchGenerator gen = new TorchGenerator(seed);
    LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
    for (LayerDefinition l : layers) {
      if (l.isConv()) {
        Tensor[] wb = TorchInit.convParameters(l.conv(), gen);
        sd.put(l.name() + ".weight", wb[0]);
        if (wb[1] != null) {
          sd.put(l.name() + ".bias", wb[1]);
        }
      }
    }
    return new ModelDefinition(source, dtype, layers, seed, sd);
  }

  private static ModelDefinition withWeights(
      String source,
      DType dtype,
      List<LayerDefinition> layers,
      Map<String, Tensor> file,
      String weightsName) {
    LinkedHashMap<String, int[]> expected = new LinkedHashMap<>();
    for (LayerDefinition l : layers) {
      if (l.isConv()) {
        expected.put(l.name() + ".weight", l.conv().weightShape());
        if (l.conv().bias()) {
          expected.put(l.name() + ".bias", l.conv().biasShape());
        }
      }
    }
    List<String> missing = new ArrayList<>();
    List<String> misShaped = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      Tensor t = file.get(e.getKey());
      if (t == null) {
        missing.add(e.getKey());
        continue;
      }
      Tensor converted = convert(t, dtype, e.getValue());
      if (converted == null) {
        misShaped.add(
            e.getKey()
                + ": expected "
                + dtype
                + " "
                + Arrays.toString(e.getValue())
                + ", got "
                + t.dtype()
                + " "
                + Arrays.toString(t.shape()));
      } else {
        sd.put(e.getKey(), converted);
      }
    }
    for (String k : file.keySet()) {
      if (!expected.containsKey(k)) {
        unexpected.add(k);
      }
    }
    if (!missing.isEmpty() || !misShaped.isEmpty() || !unexpected.isEmpty()) {
      StringBuilder m =
          new StringBuilder(source)
              .append(": weights in ")
              .append(weightsName)
              .append(" do not match the model:");
      if (!missing.isEmpty()) {
        m.append(" missing keys ").append(missing).append(';');
      }
      if (!unexpected.isEmpty()) {
        m.append(" unexpected keys ").append(unexpected).append(';');
      }
      if (!misShaped.isEmpty()) {
        m.append(" mis-shaped ").append(misShaped).append(';');
      }
      m.setLength(m.length() - 1);
      throw new ModelFormatException(m.toString());
    }
    return new ModelDefinition(source, dtype, layers, null, sd);
  }

  /**
   * A weight in the model's dtype, or null when its shape cannot be the expected one. Accepts, as
   * {@code load_state_dict} does, float32 for float64 and back; for complex64 either a complex
   * tensor or float32 with a trailing dimension of 2 ({@code torch.view_as_real}).
   */
  private static Tensor convert(Tensor t, DType dtype, int[] shape) {
    int[] got = t.shape();
    if (dtype.isComplex()) {
      if (t.dtype() == DType.COMPLEX64 && Arrays.equals(got, shape)) {
        return t;
      }
      int[] withPair = Arrays.copyOf(shape, shape.length + 1);
      withPair[shape.length] = 2;
      if (t.dtype() == DType.FLOAT32 && Arrays.equals(got, withPair)) {
        return Tensor.ofComplex(t.floats(), shape);
      }
      return null;
    }
    if (t.dtype().isComplex() || !Arrays.equals(got, shape)) {
      return null;
    }
    return Tensors.to(t, dtype);
  }

  /** The model file's name, for messages. */
  public String source() {
    return source;
  }

  public DType dtype() {
    return dtype;
  }

  public List<LayerDefinition> layers() {
    return layers;
  }

  /** The seed when the weights come from {@code init_seed}. */
  public Long initSeed() {
    return initSeed;
  }

  /** Weights and biases under state_dict keys, in PyTorch's order. Unmodifiable. */
  public Map<String, Tensor> stateDict() {
    return Collections.unmodifiableMap(stateDict);
  }

  /** Input channels the first convolution expects. */
  public int inChannels() {
    for (LayerDefinition l : layers) {
      if (l.isConv()) {
        return l.conv().inChannels();
      }
    }
    throw new IllegalStateException("no convolution");
  }

  /**
   * The output shape for {@code (C, H, W)} or {@code (N, C, H, W)}, validating as {@code forward}
   * would, without computing.
   *
   * @throws IllegalArgumentException starting with the failing layer's name
   */
  public int[] outputShape(int[] inputShape) {
    int[] s = inputShape;
    for (LayerDefinition l : layers) {
      if (l.isConv()) {
        try {
          s = io.sparkconv.kernels.spec.ConvShapes.outputShape(l.conv(), s);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "layer '" + l.name() + "' (" + l.typeName() + "): " + e.getMessage(), e);
        }
      }
    }
    return s;
  }

  /**
   * Chooses a backend per convolution and builds the plans. Call where the model runs (the
   * executor): capability probes happen here. Each choice is logged with its reason.
   *
   * @param threads intra-op threads per layer (&gt;= 1)
   * @throws IllegalStateException when {@code device} cannot be honoured (e.g. gpu without one)
   */
  public SequentialModel build(Device device, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    List<Layer> built = new ArrayList<>();
    java.util.Set<String> reasons = new java.util.HashSet<>();
    try {
      for (LayerDefinition l : layers) {
        if (l.isConv()) {
          ConvSpec spec = l.conv();
          BackendChoice choice = BackendSelector.select(spec, device);
          // Layers usually share one reason: say it once per model at INFO, per layer at DEBUG.
          if (reasons.add(choice.reason())) {
            LOG.info("{}: {}", source, choice.reason());
          }
          LOG.debug("layer '{}' {}: {}", l.name(), spec, choice.reason());
          ConvPlan plan =
              choice
                  .backend()
                  .plan(
                      spec,
                      stateDict.get(l.name() + ".weight"),
                      spec.bias() ? stateDict.get(l.name() + ".bias") : null,
                      threads);
          built.add(new ConvLayer(l.name(), spec, plan));
        } else {
          built.add(new Activation(l.name(), l.activation(), l.negativeSlope()));
        }
      }
    } catch (RuntimeException e) {
      built.forEach(Layer::close);
      throw e;
    }
    return new SequentialModel(dtype, built);
  }

  /** One line per layer in PyTorch's print style, e.g. {@code (0): Conv2d ...}. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (LayerDefinition l : layers) {
      out.add("(" + l.name() + "): " + (l.isConv() ? l.conv().toString() : l.typeName()));
    }
    return out;
  }
}
