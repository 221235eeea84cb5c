package io.cairn.stream;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.stream.Permission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who holds which permission on a stream: per address, for everyone (publish and subscribe only),
 * and when a grant with an end (a licence's) ends, as Streamr's registry keeps expiration times.
 * Immutable.
 *
 * @param expirations the end of each grant that has one; a grant without one is held for good
 */
public record StreamPermissions(
    Map<EthereumAddress, Set<Permission>> byAddress,
    Set<Permission> everyone,
    Map<Expiring, Instant> expirations) {

  public static final StreamPermissions NONE = new StreamPermissions(Map.of(), Set.of(), Map.of());

  /** A permission of one address that ends at a time. */
  public record Expiring(EthereumAddress address, Permission permission) {}

  public StreamPermissions {
    byAddress = Map.copyOf(byAddress);
    everyone = Set.copyOf(everyone);
    expirations = Map.copyOf(expirations);
  }

  /** A new stream's: every permission to its owner, for good. */
  public static StreamPermissions ownedBy(EthereumAddress owner) {
    return new StreamPermissions(
        Map.of(owner, EnumSet.allOf(Permission.class)), Set.of(), Map.of());
  }

  /** Whether {@code address} holds {@code permission}, ignoring when a grant ends. */
  public boolean may(EthereumAddress address, Permission permission) {
    return byAddress.getOrDefault(address, Set.of()).contains(permission)
        || everyone.contains(permission);
  }

  /** Whether {@code address} holds {@code permission} at {@code now}: before its grant ends. */
  public boolean may(EthereumAddress address, Permission permission, Instant now) {
    if (everyone.contains(permission)) {
      return true;
    }
    Instant end = expirations.get(new Expiring(address, permission));
    return may(address, permission) && (end == null || now.isBefore(end));
  }

  /** When {@code address}'s {@code permission} ends; empty when held for good or not at all. */
  public Optional<Instant> expiry(EthereumAddress address, Permission permission) {
    return Optional.ofNullable(expirations.get(new Expiring(address, permission)));
  }

  /**
   * Until when at least one licence on the stream is active at {@code now}: the latest end among
   * the {@code subscribe} grants that have an end still to come (what licences give their buyers);
   * empty when there is none. A grant held for good, or a public one, is not a licence.
   */
  public Optional<Instant> licencedUntil(Instant now) {
    return expirations.entrySet().stream()
        .filter(grant -> grant.getKey().permission() == Permission.SUBSCRIBE)
        .map(Map.Entry::getValue)
        .filter(now::isBefore)
        .max(Instant::compareTo);
  }

  /** With {@code permission} granted, until {@code until} when given, else for good. */
  public StreamPermissions granted(
      Grantee grantee, Permission permission, Optional<Instant> until) {
    return changed(grantee, permission, true, until);
  }

  public StreamPermissions revoked(Grantee grantee, Permission permission) {
    return changed(grantee, permission, false, Optional.empty());
  }

  private StreamPermissions changed(
      Grantee grantee, Permission permission, boolean present, Optional<Instant> until) {
    if (grantee.isEveryone()) {
      return new StreamPermissions(byAddress, changed(everyone, permission, present), expirations);
    }
    EthereumAddress address = grantee.address().orElseThrow();
    Map<EthereumAddress, Set<Permission>> table = new HashMap<>(byAddress);
    Set<Permission> held = changed(table.getOrDefault(address, Set.of()), permission, present);
    if (held.isEmpty()) {
      table.remove(address);
    } else {
      table.put(address, held);
    }
    Map<Expiring, Instant> ends = new HashMap<>(expirations);
    if (until.isPresent()) {
      ends.put(new Expiring(address, permission), until.get());
    } else {
      ends.remove(new Expiring(address, permission));
    }
    return new StreamPermissions(table, everyone, ends);
  }

  private static Set<Permission> changed(
      Set<Permission> permissions, Permission permission, boolean present) {
    EnumSet<Permission> copy = EnumSet.noneOf(Permission.class);
    copy.addAll(permissions);
    if (present) {
      copy.add(permission);
    } else {
      copy.remove(permission);
    }
    return copy;
  }
}
