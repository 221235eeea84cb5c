package io.cairn.cli.ledger;

import io.cairn.cli.terminal.AddressArgument;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.Beneficiary;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.ledger.TokenAmount;
import java.math.BigInteger;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How the ledger's commands read their arguments (each a usage mistake, exit 2, when malformed);
 * they print their answers with {@link io.cairn.cli.terminal.JsonLines}.
 */
public final class LedgerArguments {
  private LedgerArguments() {}

  /** Whole token units as a decimal string: what the ledger's amounts are. */
  public static final class Amount implements ITypeConverter<BigInteger> {
    @Override
    public BigInteger convert(String value) {
      try {
        return TokenAmount.parse(value.trim(), "amount");
      } catch (Rejection malformed) {
        throw new TypeConversionException(malformed.getMessage());
      }
    }
  }

  /** 0x and 64 hex digits: a job id, a hash. */
  public static final class Hash implements ITypeConverter<Bytes32> {
    @Override
    public Bytes32 convert(String value) {
      try {
        return Bytes32.parse(value.trim(), "hash");
      } catch (Rejection malformed) {
        throw new TypeConversionException("'" + value + "' is not 0x followed by 64 hex digits");
      }
    }
  }

  /** {@code ADDRESS[:SHARES]}, one share when none is named. */
  static final class Payee implements ITypeConverter<Beneficiary> {
    @Override
    public Beneficiary convert(String value) {
      String text = value.trim();
      int colon = text.indexOf(':');
      EthereumAddress address =
          new AddressArgument().convert(colon < 0 ? text : text.substring(0, colon));
      int shares;
      try {
        shares = colon < 0 ? 1 : Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException notANumber) {
        shares = 0;
      }
      if (shares < 1) {
        throw new TypeConversionException(
            "'" + value + "': shares are a whole number from 1, as in ADDRESS:3");
      }
      return Beneficiary.newBuilder().setAddress(address.value()).setShares(shares).build();
    }
  }
}
