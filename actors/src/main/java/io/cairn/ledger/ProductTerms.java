package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.List;

/**
 * What a product sells and for how much: its streams and cores, the price per second of licence,
 * the shortest new licence, the hash of its terms of use, and who is paid by what share.
 *
 * @param cores the cores' public keys, 64 hex digits each
 */
public record ProductTerms(
    List<String> streams,
    List<String> cores,
    BigInteger pricePerSecond,
    long minimumSeconds,
    Bytes32 termsHash,
    List<Beneficiary> beneficiaries) {

  public static final int MAX_ITEMS = 64;
  public static final int MAX_BENEFICIARIES = 16;

  /** One recipient of each sale, with its share of what is left after the protocol fee. */
  public record Beneficiary(EthereumAddress address, long shares) {}

  public ProductTerms {
    streams = List.copyOf(streams);
    cores = List.copyOf(cores);
    beneficiaries = List.copyOf(beneficiaries);
  }

  public long totalShares() {
    return beneficiaries.stream().mapToLong(Beneficiary::shares).sum();
  }
}
