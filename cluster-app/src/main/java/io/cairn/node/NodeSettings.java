package io.cairn.node;

import com.typesafe.config.Config;
import io.cairn.cluster.NodeRole;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Where this node listens and what it does, read from {@code cairn.node}. */
public record NodeSettings(
    String host,
    int clusterPort,
    int managementPort,
    int apiPort,
    List<HostPort> seeds,
    Set<NodeRole> roles) {

  public record HostPort(String host, int port) {
    static HostPort parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("seed '" + text + "' must be host:port");
      }
      try {
        return new HostPort(
            text.substring(0, colon), checkPort(Integer.parseInt(text.substring(colon + 1))));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("seed '" + text + "' has no numeric port");
      }
    }
  }

  public static NodeSettings fromConfig(Config config) {
    Config node = config.getConfig("cairn.node");
    List<HostPort> seeds = new ArrayList<>();
    for (String seed : node.getStringList("seeds")) {
      seeds.add(HostPort.parse(seed));
    }
    return new NodeSettings(
        node.getString("host"),
        checkPort(node.getInt("cluster-port")),
        checkPort(node.getInt("management-port")),
        checkPort(node.getInt("api-port")),
        List.copyOf(seeds),
        roles(node.getStringList("roles")));
  }

  public boolean has(NodeRole role) {
    return roles.contains(role);
  }

  private static int checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
    return port;
  }

  private static Set<NodeRole> roles(List<String> names) {
    EnumSet<NodeRole> roles = EnumSet.noneOf(NodeRole.class);
    for (String name : names) {
      try {
        roles.add(NodeRole.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown role '"
                + name
                + "'; roles are "
                + EnumSet.allOf(NodeRole.class).stream().map(NodeRole::label).toList());
      }
    }
    return Set.copyOf(roles);
  }
}
