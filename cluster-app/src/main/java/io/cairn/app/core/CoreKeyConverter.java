package io.cairn.app.core;

import java.util.HexFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A core key on the command line: 64 hex digits. */
final class CoreKeyConverter implements ITypeConverter<byte[]> {
  @Override
  public byte[] convert(String value) {
    if (!value.matches("[0-9a-fA-F]{64}")) {
      throw new TypeConversionException("'" + value + "' is not a core key (64 hex digits)");
    }
    return HexFormat.of().parseHex(value);
  }
}
