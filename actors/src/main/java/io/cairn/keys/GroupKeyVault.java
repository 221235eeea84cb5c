package io.cairn.keys;

import com.google.protobuf.ByteString;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.MasterKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * One stream's group keys at rest: each sealed under the cluster's master key and bound to the
 * stream and its own id, so a sealed key copied to another stream or id in the journal does not
 * open.
 */
final class GroupKeyVault {
  private final String streamId;
  private final MasterKey masterKey;

  GroupKeyVault(String streamId, MasterKey masterKey) {
    this.streamId = streamId;
    this.masterKey = masterKey;
  }

  /** A fresh group key, sealed; made now, in milliseconds as the journal keeps them. */
  KeyCustodian.StoredKey newKey() {
    GroupKey key = GroupKey.generate();
    return new KeyCustodian.StoredKey(
        key.id(),
        ByteString.copyFrom(masterKey.seal(key.data(), associatedData(streamId, key.id()))),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  GroupKey open(KeyCustodian.StoredKey stored) {
    return new GroupKey(
        stored.id(),
        masterKey.open(stored.sealed().toByteArray(), associatedData(streamId, stored.id())));
  }

  /**
   * The keys with these ids in clear, or the current one for none; an unknown id refuses them all.
   */
  List<GroupKey> open(KeyCustodian.State state, List<String> ids) {
    if (ids.isEmpty()) {
      return List.of(open(state.current().orElseThrow()));
    }
    List<GroupKey> found = new ArrayList<>();
    for (String keyId : ids.stream().distinct().toList()) {
      KeyCustodian.StoredKey stored =
          state
              .find(keyId)
              .orElseThrow(
                  () ->
                      new Rejection(
                          ErrorCode.UNKNOWN_GROUP_KEY,
                          "stream " + streamId + " has no group key \"" + keyId + "\""));
      found.add(open(stored));
    }
    return found;
  }

  /** What a sealed key is bound to. */
  static byte[] associatedData(String streamId, String keyId) {
    return ("cairn group key\0" + streamId + "\0" + keyId).getBytes(StandardCharsets.UTF_8);
  }
}
