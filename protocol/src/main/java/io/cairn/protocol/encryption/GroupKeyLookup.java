package io.cairn.protocol.encryption;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Where a subscriber finds the group key an encrypted message names, by its id. */
@FunctionalInterface
public interface GroupKeyLookup {
  Optional<GroupKey> find(String groupKeyId);

  /** The given keys, by id; two keys with one id are refused. */
  static GroupKeyLookup of(GroupKey... keys) {
    Map<String, GroupKey> byId =
        Stream.of(keys).collect(Collectors.toUnmodifiableMap(GroupKey::id, Function.identity()));
    return id -> Optional.ofNullable(byId.get(id));
  }
}
