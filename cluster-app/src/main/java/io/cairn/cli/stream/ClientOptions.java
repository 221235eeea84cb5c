package io.cairn.cli.stream;

import io.cairn.client.CairnClient;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.URI;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The node and the Ethereum key that commands about streams use. */
public final class ClientOptions {
  @Option(
      names = "--node",
      paramLabel = "URL",
      converter = NodeUrl.class,
      defaultValue = "${CAIRN_NODE:-http://127.0.0.1:7171}",
      scope = ScopeType.INHERIT,
      description = "The node's public API (default: ${DEFAULT-VALUE}; env CAIRN_NODE).")
  URI node;

  @Option(
      names = "--key",
      paramLabel = "HEX",
      defaultValue = "${CAIRN_KEY}",
      scope = ScopeType.INHERIT,
      description =
          "Ethereum private key, 64 hex digits (env CAIRN_KEY). It signs locally; it is never sent.")
  String key;

  public PrivateKeySigner signer() {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("this command needs --key HEX or CAIRN_KEY");
    }
    return PrivateKeySigner.fromHex(key.trim());
  }

  public CairnClient client() {
    return CairnClient.connect(node);
  }

  /** A client with a session opened by the key's signature. */
  public CairnClient authenticated() {
    return client().authenticate(signer());
  }

  /**
   * A client for reading: with a session when a key is given, so streams that are not public can be
   * read too; without one otherwise.
   */
  public CairnClient reader() {
    return key == null || key.isBlank() ? client() : authenticated();
  }
}
