package io.cairn.ledger.evm;

import io.cairn.protocol.EthereumAddress;
import java.util.Objects;

/** Where the five contracts of one deployment live on a chain. */
public record ContractAddresses(
    EthereumAddress token,
    EthereumAddress marketplace,
    EthereumAddress escrow,
    EthereumAddress checksumReports,
    EthereumAddress providerStakes) {

  public ContractAddresses {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(marketplace, "marketplace");
    Objects.requireNonNull(escrow, "escrow");
    Objects.requireNonNull(checksumReports, "checksumReports");
    Objects.requireNonNull(providerStakes, "providerStakes");
  }
}
