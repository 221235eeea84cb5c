package io.cairn.pinning;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How attesters check hosters' service, from {@code cairn.pinning.attestation} (reference.conf says
 * why each default): a check of each ACTIVE replica about every {@code interval}, of {@code blocks}
 * random blocks, reported within {@code deadline}; a median block rate of {@code fullThroughput}
 * bytes per second or more gets full marks; an attester's grade is compared with the median of the
 * last {@code window} grades other attesters gave the same replica.
 */
public record AttestationSettings(
    Duration interval, int blocks, Duration deadline, double fullThroughput, int window) {
  public AttestationSettings {
    if (blocks < 1) {
      throw new IllegalArgumentException("cairn.pinning.attestation.blocks is at least 1");
    }
    if (window < 1) {
      throw new IllegalArgumentException("cairn.pinning.attestation.window is at least 1");
    }
    if (!(fullThroughput > 0)) {
      throw new IllegalArgumentException(
          "cairn.pinning.attestation.full-throughput is above 0, not " + fullThroughput);
    }
  }

  public static AttestationSettings fromConfig(Config config) {
    Config attestation = config.getConfig("cairn.pinning.attestation");
    return new AttestationSettings(
        attestation.getDuration("interval"),
        attestation.getInt("blocks"),
        attestation.getDuration("deadline"),
        attestation.getDouble("full-throughput"),
        attestation.getInt("window"));
  }
}
