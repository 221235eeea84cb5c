package io.cairn.cli.core;

import io.cairn.cli.stream.NodeUrl;
import io.cairn.client.CairnClient;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that talks to a node shares. */
final class NodeOptions {
  @Option(
      names = "--node",
      paramLabel = "URL",
      converter = NodeUrl.class,
      defaultValue = "${CAIRN_NODE:-http://127.0.0.1:7171}",
      description = "The node's public API (default: ${DEFAULT-VALUE}; env CAIRN_NODE).")
  URI node;

  @Option(
      names = "--keys",
      paramLabel = "DIR",
      defaultValue = "${CAIRN_KEYS:-${sys:user.home}/.cairn/cores}",
      description = "Where core key files live (default: ${DEFAULT-VALUE}).")
  Path keys;

  CairnClient client() {
    return CairnClient.connect(node);
  }

  CoreKeyFile keyFile() {
    return new CoreKeyFile(keys);
  }
}
