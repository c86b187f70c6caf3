package dev.porter.bench;

import java.util.List;
import java.util.stream.DoubleStream;

/** Runs of known wall times, for the tests of the ratios printed beside the verdicts. */
final class Walls {
  private Walls() {}

  /** One sample per run, of {@code seconds} wall and CPU time. */
  static List<Measure.Sample> of(double... seconds) {
    return DoubleStream.of(seconds).mapToObj(s -> new Measure.Sample(s, s, 1, false)).toList();
  }
}
