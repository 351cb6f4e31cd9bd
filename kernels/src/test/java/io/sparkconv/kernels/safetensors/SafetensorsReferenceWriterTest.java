package io.sparkconv.kernels.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.tensor.DType;
import io.sparkconv.kernels.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A file written by the reference writer (safetensors 0.8 with numpy; see
 * resources/safetensors/make_reference_writer.py): F16 widening checked against numpy's own float16
 * to float32 conversion bit for bit (NaN payloads included), and safetensors' native C64.
 */
class SafetensorsReferenceWriterTest {
  private static SafetensorsFile fixture() throws IOException {
    try (InputStream in =
        SafetensorsReferenceWriterTest.class.getResourceAsStream(
            "/safetensors/reference_writer.safetensors")) {
      return Safetensors.read(in.readAllBytes(), "reference_writer.safetensors");
    }
  }

  @Test
  void f16WidensExactlyAsNumpyDoes() throws IOException {
    SafetensorsFile f = fixture();
    assertTrue(f.metadata().get("writer").startsWith("safetensors 0."), f.metadata().toString());
    // Reference writer order: by dtype alignment, then name.
    assertEquals(List.of("d", "z", "half_as_f32", "half"), List.copyOf(f.tensors().keySet()));
    Tensor half = f.tensor("half");
    float[] want = f.tensor("half_as_f32").floats();
    assertEquals(DType.FLOAT32, half.dtype());
    assertArrayEquals(new int[] {1024}, half.shape());
    int nans = 0;
    for (int i = 0; i < want.length; i++) {
      int at = i;
      assertEquals(
          Integer.toHexString(Float.floatToRawIntBits(want[i])),
          Integer.toHexString(Float.floatToRawIntBits(half.floats()[i])),
          () -> "half element " + at);
      nans += Float.isNaN(want[i]) ? 1 : 0;
    }
    assertTrue(nans > 10, "the fixture covers NaN payloads");
  }

  @Test
  void nativeC64AndF64() throws IOException {
    SafetensorsFile f = fixture();
    Tensor z = f.tensor("z");
    assertEquals(DType.COMPLEX64, z.dtype());
    assertArrayEquals(new int[] {2, 3}, z.shape());
    float[] want = new float[12];
    for (int i = 0; i < 12; i++) {
      want[i] = i * 0.75f - 4; // re, im interleaved as numpy lays out complex64
    }
    assertArrayEquals(want, z.floats());
    Tensor d = f.tensor("d");
    assertEquals(DType.FLOAT64, d.dtype());
    assertArrayEquals(new double[] {Math.PI, -1e300, Double.MIN_VALUE, -0.0}, d.doubles());
  }
}
