package io.cairn.api.pinning;

import io.cairn.pinning.Provider;
import io.cairn.pinning.Reputation;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.ProviderRegistration;
import io.cairn.protocol.api.v1.ProviderView;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The providers' public API messages from their domain records, and back. */
public final class ProviderApiMapper {
  private ProviderApiMapper() {}

  /**
   * The terms a registration declares; an unknown role is refused here, everything else by the
   * entity's one rule ({@code ProviderRules.problemWith}).
   */
  public static Provider.Terms terms(ProviderRegistration registration) {
    Set<Provider.Role> roles = EnumSet.noneOf(Provider.Role.class);
    for (String role : registration.getRolesList()) {
      try {
        roles.add(Provider.Role.valueOf(role.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException unknown) {
        throw new Rejection(
            ErrorCode.INVALID_PROVIDER,
            "'" + role + "' is not a provider role: hoster, encoder or attester");
      }
    }
    if (registration.getCapacityBytes() < 0) {
      // a uint64 above 2^63 - 1 arrives negative
      throw new Rejection(
          ErrorCode.INVALID_PROVIDER,
          "capacity " + Long.toUnsignedString(registration.getCapacityBytes()) + " is too large");
    }
    return new Provider.Terms(
        roles,
        registration.getCapacityBytes(),
        registration.getOperator(),
        registration.getRegion(),
        registration.getServeUrl().isBlank()
            ? Optional.empty()
            : Optional.of(registration.getServeUrl().strip()));
  }

  /** The provider as the API shows it, its standing judged by {@code rules}. */
  public static ProviderView view(Provider.Info info, Reputation.Rules rules) {
    Reputation reputation = info.reputation();
    return ProviderView.newBuilder()
        .setAddress(info.address().value())
        .addAllRoles(
            info.terms().roles().stream()
                .map(role -> role.name().toLowerCase(Locale.ROOT))
                .sorted()
                .toList())
        .setCapacityBytes(info.terms().capacityBytes())
        .setOperator(info.terms().operator())
        .setRegion(info.terms().region())
        .setStatus(info.status().name().toLowerCase(Locale.ROOT))
        .setRegisteredAtMs(info.registeredAt().toEpochMilli())
        .setChangedAtMs(info.changedAt().toEpochMilli())
        .setSilentSinceMs(info.silentSince().map(Instant::toEpochMilli).orElse(0L))
        .setOfflineSinceMs(info.offlineSince().map(Instant::toEpochMilli).orElse(0L))
        .setStorageScore(reputation.storageScore())
        .setPerformance(reputation.performance())
        .setAttestingScore(reputation.attestingScore())
        .setCleanRounds(reputation.cleanRounds())
        .setVetted(reputation.vetted(rules))
        .setStanding(reputation.standing(rules).name().toLowerCase(Locale.ROOT))
        .setServeUrl(info.terms().serveUrl().orElse(""))
        .build();
  }
}
