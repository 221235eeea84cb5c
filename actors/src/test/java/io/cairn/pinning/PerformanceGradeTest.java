package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.pinning.PerformanceGrade.Measurement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attester's grade, band by band (PINNING.md 5.8): monotone, and 0 for a bad block. */
class PerformanceGradeTest {
  private static final double FULL = 1_000_000;

  private static double gradeOf(double firstByteMillis, double bytesPerSecond) {
    return PerformanceGrade.of(
        List.of(new Measurement(true, firstByteMillis, bytesPerSecond)), FULL);
  }

  @Test
  void upTo200MillisAndFullThroughputIsFullMarks() {
    assertEquals(1.0, gradeOf(0, FULL));
    assertEquals(1.0, gradeOf(120, FULL));
    assertEquals(1.0, gradeOf(200, 5 * FULL));
  }

  @Test
  void between200MillisAnd2SecondsTheGradeFallsLinearly() {
    assertEquals(0.75, gradeOf(650, FULL), 1e-12);
    assertEquals(0.5, gradeOf(1100, FULL), 1e-12);
    assertEquals(0.25, gradeOf(1550, FULL), 1e-12);
  }

  @Test
  void from2SecondsOnItIsNothing() {
    assertEquals(0.0, gradeOf(2000, FULL));
    assertEquals(0.0, gradeOf(30_000, FULL));
  }

  @Test
  void belowFullThroughputTheGradeScalesWithTheRate() {
    assertEquals(0.5, gradeOf(100, FULL / 2), 1e-12);
    assertEquals(0.0, gradeOf(100, 0));
    assertEquals(0.25, gradeOf(1100, FULL / 2), 1e-12);
  }

  @Test
  void oneUnverifiedBlockMakesTheReportWorthNothing() {
    assertEquals(
        0.0,
        PerformanceGrade.of(
            List.of(
                new Measurement(true, 50, FULL),
                new Measurement(false, 50, FULL),
                new Measurement(true, 50, FULL)),
            FULL));
    assertEquals(0.0, PerformanceGrade.of(List.of(), FULL));
  }

  @Test
  void theMedianDecidesSoOneSlowBlockOfFourDoesNotSinkAGoodHoster() {
    double grade =
        PerformanceGrade.of(
            List.of(
                new Measurement(true, 100, FULL),
                new Measurement(true, 150, FULL),
                new Measurement(true, 180, FULL),
                new Measurement(true, 9000, FULL)),
            FULL);
    assertEquals(1.0, grade);
  }

  @Test
  void theGradeNeverRisesWithLatencyNorFallsWithThroughput() {
    double previous = Double.MAX_VALUE;
    for (double millis = 0; millis <= 3000; millis += 7) {
      double grade = gradeOf(millis, FULL * 0.8);
      assertTrue(grade <= previous, "at " + millis + " ms");
      assertTrue(grade >= 0 && grade <= 1);
      previous = grade;
    }
    previous = -1;
    for (double rate = 0; rate <= 2 * FULL; rate += FULL / 37) {
      double grade = gradeOf(400, rate);
      assertTrue(grade >= previous, "at " + rate + " B/s");
      previous = grade;
    }
  }
}
