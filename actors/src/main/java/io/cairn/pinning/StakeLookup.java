package io.cairn.pinning;

import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import java.util.concurrent.CompletionStage;

/** What a provider has staked on the ledger, in token base units: what selection weighs it by. */
@FunctionalInterface
public interface StakeLookup {
  CompletionStage<BigInteger> stakeOf(EthereumAddress provider);
}
