package io.cairn.stream;

import io.cairn.protocol.EthereumAddress;
import java.util.Optional;

/** Who receives a permission: one address, or everyone (Streamr's public permissions). */
public record Grantee(Optional<EthereumAddress> address) {
  public static final Grantee EVERYONE = new Grantee(Optional.empty());

  public static Grantee of(EthereumAddress address) {
    return new Grantee(Optional.of(address));
  }

  public boolean isEveryone() {
    return address.isEmpty();
  }

  @Override
  public String toString() {
    return address.map(EthereumAddress::value).orElse("everyone");
  }
}
