package io.cairn.stream;

import io.cairn.protocol.EthereumAddress;

/**
 * A {@link Grantee} as stream and key custodian events and commands carry it: the one mapping the
 * two features' serializers share.
 */
public final class GranteeMapper {
  private GranteeMapper() {}

  public static io.cairn.cluster.proto.stream.Grantee toProto(Grantee grantee) {
    return grantee
        .address()
        .map(who -> io.cairn.cluster.proto.stream.Grantee.newBuilder().setAddress(who.value()))
        .orElseGet(() -> io.cairn.cluster.proto.stream.Grantee.newBuilder().setEveryone(true))
        .build();
  }

  public static Grantee fromProto(io.cairn.cluster.proto.stream.Grantee grantee) {
    return switch (grantee.getKindCase()) {
      case ADDRESS -> Grantee.of(new EthereumAddress(grantee.getAddress()));
      case EVERYONE -> Grantee.EVERYONE;
      case KIND_NOT_SET -> throw new IllegalArgumentException("grantee is missing");
    };
  }
}
