package io.cairn.cli.stream;

import java.net.URI;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A node's public API as {@code --node} takes it: a URL, or {@code host:port} alone, which means
 * plain HTTP, so that {@code --node localhost:7171} works as a person would type it.
 */
public final class NodeUrl implements ITypeConverter<URI> {
  @Override
  public URI convert(String value) {
    String text = value.trim();
    URI uri;
    try {
      uri = URI.create(text.contains("://") ? text : "http://" + text);
    } catch (IllegalArgumentException malformed) {
      throw refused(value);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw refused(value);
    }
    return uri;
  }

  private static TypeConversionException refused(String value) {
    return new TypeConversionException(
        "'" + value + "' is not a node's address; write http://HOST:PORT or HOST:PORT");
  }
}
