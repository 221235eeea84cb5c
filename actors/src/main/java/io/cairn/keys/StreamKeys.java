package io.cairn.keys;

import io.cairn.protocol.encryption.GroupKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The group keys of streams as the cluster's own parts see them: in the clear, because cluster
 * nodes trust each other. Untrusted parties get keys only sealed, through the key exchange.
 */
public interface StreamKeys {
  /** The key new content of the stream is encrypted with; fails if the stream has no custodian. */
  CompletionStage<GroupKey> current(String streamId);

  /** The keys with these ids; an id the stream never had fails the whole answer. */
  CompletionStage<List<GroupKey>> find(String streamId, Collection<String> groupKeyIds);
}
