package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;

/**
 * A job's budget in escrow. Always {@code deposited = balance + paidOut + burned + held +
 * refunded}.
 *
 * @param supporter the first depositor, the only one who adds to it and who gets the refund
 * @param held what settlements moved into providers' held-back earnings ({@link
 *     ProviderStake#held})
 */
public record EscrowJob(
    Bytes32 id,
    EthereumAddress supporter,
    BigInteger balance,
    BigInteger deposited,
    BigInteger paidOut,
    BigInteger burned,
    BigInteger held,
    BigInteger refunded,
    boolean closed) {

  /** A job nobody deposited to: the contract's all-zero record. */
  public static EscrowJob unknown(Bytes32 id) {
    return new EscrowJob(
        id,
        Ledger.ZERO_ADDRESS,
        BigInteger.ZERO,
        BigInteger.ZERO,
        BigInteger.ZERO,
        BigInteger.ZERO,
        BigInteger.ZERO,
        BigInteger.ZERO,
        false);
  }

  public boolean exists() {
    return !supporter.equals(Ledger.ZERO_ADDRESS);
  }
}
