package io.cairn.cli.agent;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code HOST:PORT} where a hoster serves its blocks; port 0 takes any free one. */
final class ServeAddress implements ITypeConverter<InetSocketAddress> {
  @Override
  public InetSocketAddress convert(String value) {
    String text = value.strip();
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw refused(value);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw refused(value);
    }
    if (port < 0 || port > 65535) {
      throw refused(value);
    }
    return new InetSocketAddress(host, port);
  }

  private static TypeConversionException refused(String value) {
    return new TypeConversionException(
        "'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:7272, or port 0 for any free one)");
  }
}
