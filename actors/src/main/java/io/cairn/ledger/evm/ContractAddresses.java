package io.cairn.ledger.evm;

import io.cairn.protocol.EthereumAddress;
import java.util.Objects;

/** Where the four contracts of one deployment live on a chain. */
public record ContractAddresses(
    EthereumAddress token,
    EthereumAddress marketplace,
    EthereumAddress escrow,
    EthereumAddress checksumReports) {

  public ContractAddresses {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(marketplace, "marketplace");
    Objects.requireNonNull(escrow, "escrow");
    Objects.requireNonNull(checksumReports, "checksumReports");
  }
}
