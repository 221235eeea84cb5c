package io.cairn.ledger.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.EthereumAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EvmChainSettingsTest {

  @Test
  void theDefaultsSuitADevChainAndNameNoContracts() {
    EvmChainSettings settings = EvmChainSettings.fromConfig(ConfigFactory.load());
    assertEquals(Duration.ofMillis(50), settings.receiptPollInterval());
    assertEquals(OptionalLong.empty(), settings.expectedChainId());
    assertEquals(Optional.empty(), settings.contracts());
    assertEquals(0, settings.receiptConfirmations());
    assertEquals(new EvmChainSettings.Follow(2, 0, Duration.ofSeconds(1), 1000), settings.follow());
    assertFalse(settings.configured());
    assertEquals(2400, settings.receiptAttempts());
  }

  @Test
  void aUrlMakesTheConfiguredDeploymentTheLedger() {
    Config config =
        ConfigFactory.parseString(
                """
                cairn.ledger.chain {
                  url = "http://127.0.0.1:8545"
                  confirmations = 5
                  from-block = 17
                  follower.poll-interval = 250ms
                }
                """)
            .withFallback(ConfigFactory.load());
    EvmChainSettings settings = EvmChainSettings.fromConfig(config);
    assertTrue(settings.configured());
    assertEquals(
        new EvmChainSettings.Follow(5, 17, Duration.ofMillis(250), 1000), settings.follow());
  }

  @Test
  void allFiveAddressesInAnyCaseOrNone() {
    Config config =
        ConfigFactory.parseString(
                """
                cairn.ledger.chain {
                  expected-chain-id = 31337
                  contracts {
                    token = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
                    marketplace = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
                    escrow = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"
                    checksum-reports = "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9"
                    provider-stakes = "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"
                  }
                }
                """)
            .withFallback(ConfigFactory.load());
    EvmChainSettings settings = EvmChainSettings.fromConfig(config);
    assertEquals(OptionalLong.of(31337), settings.expectedChainId());
    assertEquals(
        new EthereumAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
        settings.contracts().orElseThrow().token());
    assertEquals(
        new EthereumAddress("0xdc64a140aa3e981100a9beca4e685f962f0cf6c9"),
        settings.contracts().orElseThrow().providerStakes());

    Config partial =
        ConfigFactory.parseString(
                "cairn.ledger.chain.contracts.token = \"0x5fbdb2315678afecb367f032d93f642f64180aa3\"")
            .withFallback(ConfigFactory.load());
    assertThrows(IllegalArgumentException.class, () -> EvmChainSettings.fromConfig(partial));
  }
}
