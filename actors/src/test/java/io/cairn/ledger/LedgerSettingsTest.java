package io.cairn.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.ledger.evm.EvmChainSettings;
import io.cairn.protocol.EthereumAddress;
import org.junit.jupiter.api.Test;

/** The backend is configuration alone: a chain's URL makes the contracts on it the ledger. */
class LedgerSettingsTest {

  @Test
  void withoutAChainUrlTheLedgerIsTheEmbeddedOne() {
    assertTrue(LedgerSettings.fromConfig(ConfigFactory.load()).chain().isEmpty());
  }

  @Test
  void aChainUrlMakesTheConfiguredDeploymentTheLedger() {
    Config config =
        ConfigFactory.parseString(
                """
                cairn.ledger.chain {
                  url = "http://127.0.0.1:8545"
                  confirmations = 5
                  from-block = 17
                  contracts {
                    token = "0x5fbdb2315678afecb367f032d93f642f64180aa3"
                    marketplace = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
                    escrow = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"
                    checksum-reports = "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9"
                  }
                }
                """)
            .withFallback(ConfigFactory.load());
    EvmChainSettings chain = LedgerSettings.fromConfig(config).chain().orElseThrow();
    assertEquals("http://127.0.0.1:8545", chain.url());
    assertEquals(5, chain.follow().confirmations());
    assertEquals(17, chain.follow().fromBlock());
    assertEquals(
        new EthereumAddress("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"),
        chain.contracts().orElseThrow().marketplace());
  }
}
