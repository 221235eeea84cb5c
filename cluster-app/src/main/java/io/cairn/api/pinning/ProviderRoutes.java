package io.cairn.api.pinning;

import io.cairn.api.ApiJson;
import io.cairn.api.ApiRoutes;
import io.cairn.api.auth.Authentication;
import io.cairn.pinning.Provider;
import io.cairn.pinning.Providers;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.ProviderRegistration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Storage providers: an agent signed in with its own key registers or updates itself ({@code PUT
 * /provider}), reads itself ({@code GET /provider}) and leaves for good ({@code DELETE /provider});
 * anyone reads a provider ({@code GET /providers/{address}}). The session's address is the
 * provider's: nobody registers another's key.
 */
public final class ProviderRoutes extends ApiRoutes {
  private final Providers providers;
  private final Authentication authentication;

  public ProviderRoutes(ActorSystem<?> system, Providers providers, Authentication authentication) {
    super(system);
    this.providers = providers;
    this.authentication = authentication;
  }

  @Override
  public Route routes() {
    return concat(
        path(
            "provider",
            () ->
                concat(
                    get(
                        () ->
                            authentication.authenticated(
                                provider -> reply(providers.get(provider), this::view))),
                    put(
                        () ->
                            authentication.authenticated(
                                provider ->
                                    this.<ProviderRegistration>body(
                                        ProviderRegistration.newBuilder(),
                                        registration ->
                                            reply(
                                                providers.register(
                                                    provider,
                                                    ProviderApiMapper.terms(registration)),
                                                this::view)))),
                    delete(
                        () ->
                            authentication.authenticated(
                                provider -> reply(providers.exit(provider), this::view))))),
        path(
            PathMatchers.segment("providers").slash(PathMatchers.segment()),
            address ->
                get(() -> reply(providers.get(EthereumAddress.parse(address)), this::view))));
  }

  private HttpResponse view(Provider.Info info) {
    return ApiJson.ok(ProviderApiMapper.view(info, providers.reputationRules()));
  }
}
