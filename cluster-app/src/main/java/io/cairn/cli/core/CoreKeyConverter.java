package io.cairn.cli.core;

import java.util.HexFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A core key on the command line: 64 hex digits. */
final class CoreKeyConverter implements ITypeConverter<CoreKeyConverter.CoreKey> {
  /** Wraps the key's bytes, which picocli would otherwise take for an array of arguments. */
  record CoreKey(byte[] bytes) {}

  @Override
  public CoreKey convert(String value) {
    if (!value.matches("[0-9a-fA-F]{64}")) {
      throw new TypeConversionException("'" + value + "' is not a core key (64 hex digits)");
    }
    return new CoreKey(HexFormat.of().parseHex(value));
  }
}
