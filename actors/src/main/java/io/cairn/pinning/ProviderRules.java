package io.cairn.pinning;

import io.cairn.pinning.Provider.Info;
import io.cairn.pinning.Provider.Role;
import io.cairn.pinning.Provider.State;
import io.cairn.pinning.Provider.Status;
import io.cairn.pinning.Provider.Terms;
import io.cairn.protocol.EthereumAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** How each of {@link Provider}'s events changes the provider: its event handler's rules. */
final class ProviderRules {
  private static final int MAX_SERVE_URL_LENGTH = 256;

  private ProviderRules() {}

  /**
   * Why {@code terms} cannot be registered, if they cannot: no role, a hoster offering nothing, a
   * negative capacity, an operator or region that is blank or too long, a serve URL readers cannot
   * use.
   */
  static Optional<String> problemWith(Terms terms, PinningSettings settings) {
    if (terms.roles().isEmpty()) {
      return Optional.of("a provider takes at least one role: hoster, encoder or attester");
    }
    if (terms.capacityBytes() < 0) {
      return Optional.of("capacity is a number of bytes, not " + terms.capacityBytes());
    }
    if (terms.roles().contains(Role.HOSTER) && terms.capacityBytes() == 0) {
      return Optional.of("a hoster offers a capacity above 0 bytes");
    }
    for (String[] field :
        new String[][] {{"operator", terms.operator()}, {"region", terms.region()}}) {
      if (field[1].isBlank()) {
        return Optional.of("the " + field[0] + " is declared: selection keeps them apart");
      }
      if (field[1].length() > settings.maxLabelLength()) {
        return Optional.of(
            "the " + field[0] + " is at most " + settings.maxLabelLength() + " characters");
      }
    }
    return terms.serveUrl().flatMap(ProviderRules::problemWithServeUrl);
  }

  /** A serve URL is an absolute http or https URL an attester can reach, at most 256 characters. */
  private static Optional<String> problemWithServeUrl(String url) {
    if (url.length() > MAX_SERVE_URL_LENGTH) {
      return Optional.of("a serve URL is at most " + MAX_SERVE_URL_LENGTH + " characters");
    }
    try {
      URI uri = new URI(url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return Optional.empty();
      }
    } catch (URISyntaxException malformed) {
      // refused below, with the same message
    }
    return Optional.of("a serve URL is an http or https URL with a host, not '" + url + "'");
  }

  static State apply(
      EthereumAddress address, State state, Provider.Event event, Reputation.Rules rules) {
    if (event instanceof Provider.Registered registered) {
      return new State(
          Optional.of(
              new Info(
                  address,
                  registered.terms(),
                  Status.ACTIVE,
                  registered.at(),
                  registered.at(),
                  Optional.empty(),
                  Optional.empty(),
                  Reputation.fresh(rules))),
          Optional.empty());
    }
    Info info = state.info().orElseThrow();
    if (event instanceof Provider.TermsChanged changed) {
      return state.with(info.with(changed.terms(), info.status(), changed.at()));
    } else if (event instanceof Provider.Exited exited) {
      return state.with(info.with(info.terms(), Status.EXITED, exited.at()));
    } else if (event instanceof Provider.WentSilent silent) {
      return state.with(
          new Info(
              address,
              info.terms(),
              info.status(),
              info.registeredAt(),
              info.changedAt(),
              Optional.of(silent.at()),
              Optional.empty(),
              info.reputation()));
    } else if (event instanceof Provider.WentOffline offline) {
      return state.with(
          new Info(
              address,
              info.terms(),
              Status.OFFLINE,
              info.registeredAt(),
              offline.at(),
              info.silentSince(),
              Optional.of(offline.at()),
              info.reputation()));
    } else if (event instanceof Provider.HeardFrom heard) {
      return new State(
          Optional.of(
              new Info(
                  address,
                  info.terms(),
                  Status.ACTIVE,
                  info.registeredAt(),
                  info.status() == Status.OFFLINE ? heard.at() : info.changedAt(),
                  Optional.empty(),
                  Optional.empty(),
                  info.reputation())),
          Optional.of(heard.at()));
    } else if (event instanceof Provider.Judged judged) {
      return state.with(
          new Info(
              address,
              info.terms(),
              info.status(),
              info.registeredAt(),
              info.changedAt(),
              info.silentSince(),
              info.offlineSince(),
              judged.after()));
    } else if (event instanceof Provider.Disqualified disqualified) {
      return state.with(info.with(info.terms(), Status.DISQUALIFIED, disqualified.at()));
    }
    throw new IllegalStateException("no rule for " + event);
  }
}
