package io.cairn.cli.terminal;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An argument that is a 0x address in lower case; anything else is a usage mistake (exit 2). */
public final class AddressArgument implements ITypeConverter<EthereumAddress> {
  @Override
  public EthereumAddress convert(String value) {
    try {
      return EthereumAddress.parse(value.strip());
    } catch (Rejection malformed) {
      throw new TypeConversionException(malformed.getMessage());
    }
  }
}
