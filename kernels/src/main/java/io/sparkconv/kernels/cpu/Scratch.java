package io.sparkconv.kernels.cpu;

/**
 * Per-participant working memory of a plan (packed input panels, output tiles, padded planes).
 * Buffers grow on demand and are kept, so steady-state runs allocate nothing here. Never shared
 * between threads at the same time (see {@link Parallel}).
 */
final class Scratch {
  private float[] panel = new float[0];
  private int[] taps = new int[0];
  private int[] map = new int[0];
  private float[] tile = new float[0];
  private float[] plane = new float[0];
  private double[] panelD = new double[0];
  private double[] tileD = new double[0];
  private double[] planeD = new double[0];

  /**
   * The layout whose zero halo {@link #plane} holds, compared by identity (see DepthwiseConv,
   * BlockedDepthwise); null for none.
   */
  Object planeLayout;

  /** What {@link #panel} holds where a kernel reuses it across jobs (see BlockedConv); -1 none. */
  long panelKey = -1;

  final float[] edge = new float[1024];
  final double[] edgeD = new double[1024];

  /** Exactly {@code size} ints (tap offset tables are iterated by length). */
  int[] taps(int size) {
    if (taps.length != size) {
      taps = new int[size];
    }
    return taps;
  }

  /** At least {@code size} ints (position maps, see BlockedConv). */
  int[] map(int size) {
    if (map.length < size) {
      map = new int[size];
    }
    return map;
  }

  float[] panel(int size) {
    if (panel.length < size) {
      panel = new float[size];
      panelKey = -1;
    }
    return panel;
  }

  float[] tile(int size) {
    if (tile.length < size) {
      tile = new float[size];
    }
    return tile;
  }

  float[] plane(int size) {
    if (plane.length < size) {
      plane = new float[size];
      planeLayout = null;
    }
    return plane;
  }

  double[] planeD(int size) {
    if (planeD.length < size) {
      planeD = new double[size];
    }
    return planeD;
  }

  double[] panelD(int size) {
    if (panelD.length < size) {
      panelD = new double[size];
    }
    return panelD;
  }

  double[] tileD(int size) {
    if (tileD.length < size) {
      tileD = new double[size];
    }
    return tileD;
  }
}
