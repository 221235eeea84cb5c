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

  /** As events and commands carry it. */
  public io.cairn.cluster.proto.stream.Grantee toProto() {
    return address
        .map(who -> io.cairn.cluster.proto.stream.Grantee.newBuilder().setAddress(who.value()))
        .orElseGet(() -> io.cairn.cluster.proto.stream.Grantee.newBuilder().setEveryone(true))
        .build();
  }

  public static Grantee fromProto(io.cairn.cluster.proto.stream.Grantee grantee) {
    return switch (grantee.getKindCase()) {
      case ADDRESS -> of(new EthereumAddress(grantee.getAddress()));
      case EVERYONE -> EVERYONE;
      case KIND_NOT_SET -> throw new IllegalArgumentException("grantee is missing");
    };
  }

  @Override
  public String toString() {
    return address.map(EthereumAddress::value).orElse("everyone");
  }
}
