package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;

/** One payment out of an escrow in a settlement. */
public record Payout(EthereumAddress recipient, BigInteger amount) {}
