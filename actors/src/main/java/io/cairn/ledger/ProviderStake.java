package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;

/**
 * A pinning provider's bond in ProviderStakes: what it staked to register, and its held-back
 * earnings (the share of a settlement kept as a new hoster's guarantee). A fault is slashed from
 * {@code held} first, then from {@code stake}. Both come back to the provider with a withdrawal:
 * only after it began exiting, once {@code withdrawableAt} and {@code frozenUntil} have passed.
 *
 * @param exiting whether the provider began exiting; it can add no stake then
 * @param withdrawableAt Unix seconds; 0 while not exiting
 * @param frozenUntil Unix seconds before which it cannot withdraw; 0 if never frozen
 */
public record ProviderStake(
    EthereumAddress provider,
    BigInteger stake,
    BigInteger held,
    boolean exiting,
    long withdrawableAt,
    long frozenUntil) {

  /** A provider with no stake, nothing held, never frozen: the contract's all-zero record. */
  public static ProviderStake none(EthereumAddress provider) {
    return new ProviderStake(provider, BigInteger.ZERO, BigInteger.ZERO, false, 0, 0);
  }

  /** Stake and held earnings: everything a slash can take and a withdrawal pays. */
  public BigInteger total() {
    return stake.add(held);
  }
}
