package io.cairn.pinning;

import java.util.Arrays;
import java.util.List;

/**
 * What an attester's measurements of one hoster are worth, between 0 and 1 (PINNING.md 3.4 step 5):
 * the hoster's median time to the first byte of a block, and its median throughput while sending
 * one. Unlike datdot's grading (a chained comparison that is always true, so every report graded
 * 1), the grade falls as the latency grows and as the throughput falls, and a block that does not
 * verify against the writer's signature makes the whole report 0: a hoster serving garbage quickly
 * is worth nothing to a reader.
 *
 * <p>The latency part is {@code clamp(1 − (p50_ms − 200) / 1800, 0, 1)}: full marks within 200 ms
 * (a reader across a continent), nothing from 2 s (a reader gives up). The throughput part is
 * {@code clamp(p50_bytes_per_s / fullThroughput, 0, 1)}, so a hoster that answers at once and then
 * trickles is graded down too. The grade is their product.
 */
public final class PerformanceGrade {
  /** A latency up to this is as good as a reader can tell. */
  static final double FULL_MARKS_MS = 200;

  /** A latency from this on is as bad as no answer. */
  static final double ZERO_MARKS_MS = 2000;

  private PerformanceGrade() {}

  /**
   * One fetched block: whether it verified against the writer's signature, the milliseconds to its
   * first byte, and the bytes per second at which the rest came.
   */
  public record Measurement(boolean verified, double firstByteMillis, double bytesPerSecond) {
    public Measurement {
      if (!(firstByteMillis >= 0) || !(bytesPerSecond >= 0)) {
        throw new IllegalArgumentException(
            "a measurement is a time and a rate at or above 0, not "
                + firstByteMillis
                + " ms and "
                + bytesPerSecond
                + " B/s");
      }
    }
  }

  /**
   * The grade of a report: 0 with no measurement or with any unverified block, otherwise the
   * latency part of the median first-byte time times the throughput part of the median rate.
   */
  public static double of(List<Measurement> measurements, double fullThroughput) {
    if (measurements.isEmpty() || measurements.stream().anyMatch(m -> !m.verified())) {
      return 0;
    }
    double latency =
        median(measurements.stream().mapToDouble(Measurement::firstByteMillis).toArray());
    double throughput =
        median(measurements.stream().mapToDouble(Measurement::bytesPerSecond).toArray());
    return latencyPart(latency) * throughputPart(throughput, fullThroughput);
  }

  static double latencyPart(double medianFirstByteMillis) {
    return clamp(1 - (medianFirstByteMillis - FULL_MARKS_MS) / (ZERO_MARKS_MS - FULL_MARKS_MS));
  }

  static double throughputPart(double medianBytesPerSecond, double fullThroughput) {
    return clamp(medianBytesPerSecond / fullThroughput);
  }

  /** The middle value; the mean of the two middle ones for an even count. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static double clamp(double value) {
    return Math.max(0, Math.min(1, value));
  }
}
