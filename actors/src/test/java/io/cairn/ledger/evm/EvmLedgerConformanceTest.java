package io.cairn.ledger.evm;

import io.cairn.ledger.Ledger;
import io.cairn.ledger.LedgerConformanceSuite;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance suite on the contracts on a local anvil ({@link AnvilChain}), freshly deployed
 * for the class with a new operator in every role. Skipped without a chain, unless {@code
 * CAIRN_REQUIRE_CHAIN=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvmLedgerConformanceTest extends LedgerConformanceSuite {
  private final PrivateKeySigner operator = PrivateKeySigner.generate();
  private AnvilChain chain;
  private ExecutorService executor;
  private EvmLedger ledger;

  @BeforeAll
  void deployContracts() throws IOException {
    Optional<AnvilChain> connected = AnvilChain.connect();
    if (connected.isEmpty()) {
      return; // each test is skipped, saying why (requireChain)
    }
    chain = connected.get();
    executor = Executors.newFixedThreadPool(8);
    chain.fund(operator.address());
    ContractAddresses addresses = chain.deploy(operator.address(), coherenceBps());
    ledger = new EvmLedger(chain.web3j(), addresses, chain.settings(), executor);
  }

  @BeforeEach
  void requireChain() {
    AnvilChain.assumeConnected(Optional.ofNullable(chain));
  }

  @AfterAll
  void shutdown() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (chain != null) {
      chain.resetClock();
      chain.close();
    }
  }

  @Override
  protected Ledger ledger() {
    return ledger;
  }

  @Override
  protected EvmSigner operator() {
    return operator;
  }

  @Override
  protected EvmSigner newAccount() {
    return chain.newAccount();
  }

  @Override
  protected void advance(long seconds) {
    chain.advance(seconds);
  }
}
