package io.cairn.pinning;

import io.cairn.pinning.Provider.Info;
import io.cairn.pinning.Provider.State;
import io.cairn.pinning.Provider.Status;
import io.cairn.protocol.EthereumAddress;
import java.util.Optional;

/** How each of {@link Provider}'s events changes the provider: its event handler's rules. */
final class ProviderRules {
  private ProviderRules() {}

  static State apply(EthereumAddress address, State state, Provider.Event event) {
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
                  Optional.empty())),
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
              Optional.empty()));
    } else if (event instanceof Provider.WentOffline offline) {
      return state.with(
          new Info(
              address,
              info.terms(),
              Status.OFFLINE,
              info.registeredAt(),
              offline.at(),
              info.silentSince(),
              Optional.of(offline.at())));
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
                  Optional.empty())),
          Optional.of(heard.at()));
    }
    throw new IllegalStateException("no rule for " + event);
  }
}
