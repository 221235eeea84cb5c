package io.cairn.api.keys;

import io.cairn.keys.KeyCustodian;
import io.cairn.protocol.api.v1.CustodianDescription;

/** The key custodian's public API messages from its domain records. */
public final class CustodianApiMapper {
  private CustodianApiMapper() {}

  public static CustodianDescription description(KeyCustodian.Info info) {
    return CustodianDescription.newBuilder()
        .setStreamId(info.streamId())
        .setServiceAddress(info.serviceAddress().value())
        .setCurrentGroupKeyId(info.currentGroupKeyId())
        .build();
  }
}
