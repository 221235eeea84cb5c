package io.cairn.agent;

import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.protocol.api.v1.ProviderRegistration;
import io.cairn.protocol.api.v1.ProviderView;
import io.cairn.protocol.event.EvmSigner;
import java.net.URI;
import java.util.function.Function;

/**
 * An agent's way to its node: signed in with the agent's key and registered as a provider. A
 * request refused for want of a session (the token expired, the cluster's secret changed) signs in
 * again and is sent once more; a node that cannot be reached is the caller's to retry.
 */
final class AgentConnection {
  private final URI node;
  private final EvmSigner signer;
  private final ProviderRegistration registration;
  private volatile CairnClient session;

  AgentConnection(URI node, EvmSigner signer, ProviderRegistration registration) {
    this.node = node;
    this.signer = signer;
    this.registration = registration;
  }

  URI node() {
    return node;
  }

  EvmSigner signer() {
    return signer;
  }

  /**
   * Signs in and registers (again, harmlessly) with the agent's terms; throws what the node
   * answered, or {@link java.io.UncheckedIOException} when it cannot be reached.
   */
  synchronized ProviderView signIn() {
    CairnClient client = CairnClient.connect(node).authenticate(signer);
    ProviderView provider = client.registerProvider(registration);
    session = client;
    return provider;
  }

  /** {@code request} with the session, signing in first when there is none or it lapsed. */
  <T> T call(Function<CairnClient, T> request) {
    CairnClient client = session;
    if (client == null) {
      signIn();
      client = session;
    }
    try {
      return request.apply(client);
    } catch (CairnApiException refused) {
      if (refused.status() != 401) {
        throw refused;
      }
      signIn();
      return request.apply(session);
    }
  }
}
