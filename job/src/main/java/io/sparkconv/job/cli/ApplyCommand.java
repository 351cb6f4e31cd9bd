package io.sparkconv.job.cli;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.backend.GpuAvailability;
import io.sparkconv.kernels.model.ConvLayer;
import io.sparkconv.kernels.model.Layer;
import io.sparkconv.kernels.model.ModelDefinition;
import io.sparkconv.kernels.model.SequentialModel;
import io.sparkconv.kernels.safetensors.Safetensors;
import io.sparkconv.kernels.safetensors.SafetensorsFile;
import io.sparkconv.kernels.tensor.Tensor;
import io.sparkconv.kernels.tensor.Tensors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparkconv apply}: runs a model on tensor {@code input} of a safetensors file. */
@Command(
    name = "apply",
    description =
        "Run a model on tensor 'input' ((N,C,H,W) or (C,H,W)) of a safetensors file and write"
            + " tensor 'output'.")
final class ApplyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model JSON (CONTRACTS §2).")
  Path model;

  @Option(names = "--input", required = true, description = "Safetensors file holding 'input'.")
  Path input;

  @Option(names = "--output", required = true, description = "Safetensors file to write.")
  Path output;

  @Option(
      names = "--input-key",
      defaultValue = "input",
      description = "Name of the input tensor. Default: ${DEFAULT-VALUE}.")
  String inputKey;

  @Mixin CommonOptions common;

  /** Which device and backends run the model, and for auto why not the GPU (CONTRACTS §3). */
  static String describeDevice(Device device, SequentialModel m) {
    Set<String> backends = new LinkedHashSet<>();
    for (Layer l : m.layers()) {
      if (l instanceof ConvLayer c) {
        backends.add(c.backendName());
      }
    }
    boolean gpu = backends.stream().anyMatch(b -> b.startsWith("gpu"));
    String where = (gpu ? "GPU" : "CPU") + " (" + String.join(", ", backends) + ")";
    return device == Device.AUTO && !gpu
        ? "device auto: running on the " + where + "; no usable GPU: " + GpuAvailability.reason()
        : "device " + device.cliName() + ": running on the " + where;
  }

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Device device = common.device();
    ModelDefinition def = ModelDefinition.load(model);
    SafetensorsFile file = Safetensors.read(input);
    Tensor x = file.tensor(inputKey);
    if (x == null) {
      throw new IllegalArgumentException(
          input + " has no tensor '" + inputKey + "' (it has " + file.tensors().keySet() + ")");
    }
    Tensor in;
    try {
      in = Tensors.to(x, def.dtype());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tensor '"
              + inputKey
              + "' of "
              + input
              + " does not fit the "
              + def.dtype()
              + " model: "
              + e.getMessage());
    }
    if (x.dtype() != in.dtype() && !def.dtype().isComplex()) {
      spec.commandLine()
          .getErr()
          .println("sparkconv apply: converted input from " + x.dtype() + " to " + def.dtype());
    }
    def.outputShape(in.shape()); // validates every layer before any work
    Tensor y;
    try (SequentialModel m = def.build(device, common.threads())) {
      spec.commandLine().getErr().println("sparkconv apply: " + describeDevice(device, m));
      y = m.forward(in);
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("output", y);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("model", model.getFileName().toString());
    meta.put("dtype", y.dtype().torchName());
    Safetensors.write(output, out, meta);
    spec.commandLine()
        .getErr()
        .printf(
            "sparkconv apply: wrote 'output' %s %s to %s in %.2f s%n",
            y.dtype(), Arrays.toString(y.shape()), output, (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
