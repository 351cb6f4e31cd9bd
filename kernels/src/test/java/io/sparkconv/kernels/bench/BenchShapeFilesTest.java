package io.sparkconv.kernels.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.spec.ConvShapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shape sets that BENCHMARKS.md reports on (the visible file and the sets under {@code
 * src/test/resources/bench}) stay runnable: every shape parses, resolves against its input and has
 * a unique name, as {@code sparkconv bench} needs.
 */
class BenchShapeFilesTest {
  static Stream<Path> files() throws IOException {
    Path dir = Path.of("src/test/resources/bench");
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertFalse(files.isEmpty(), "no shape files under " + dir.toAbsolutePath());
      return Stream.concat(Stream.of(Path.of("../conf/bench-shapes.json")), files.stream());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void everyShapeResolves(Path file) throws IOException {
    List<ConvBench.Shape> shapes = ConvBench.parse(file);
    assertTrue(shapes.size() > 0, file + " is empty");
    Set<String> names = new HashSet<>();
    for (ConvBench.Shape s : shapes) {
      assertTrue(names.add(s.name()), file + ": duplicate name " + s.name());
      int[] out = ConvShapes.geometry(s.spec(), s.input()).outputShape();
      assertEquals(s.input()[0], out[0], s.name());
      assertTrue(out[2] > 0 && out[3] > 0, s.name() + ": empty output");
    }
  }
}
