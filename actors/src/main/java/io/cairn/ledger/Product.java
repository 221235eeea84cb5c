package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;

/** A product on the market: its number (from 1, in order of creation), its owner and terms. */
public record Product(long id, EthereumAddress owner, ProductTerms terms) {}
