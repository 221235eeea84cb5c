package io.cairn.api.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.node.TestNode;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.ProviderRegistration;
import io.cairn.protocol.api.v1.ProviderView;
import io.cairn.protocol.event.PrivateKeySigner;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage providers through the public API and the SDK, on a real node on H2. */
class ProviderApiTest {
  private static final ProviderRegistration HOSTER =
      ProviderRegistration.newBuilder()
          .addRoles("hoster")
          .setCapacityBytes(10L << 30)
          .setOperator("acme")
          .setRegion("eu-west")
          .build();

  @TempDir static Path data;
  private static TestNode node;

  private final PrivateKeySigner agentKey = PrivateKeySigner.generate();

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** With a stake minimum, a provider registers only once it staked that much on the ledger. */
  @Test
  void withAStakeMinimumAProviderRegistersOnlyOnceItStakedEnough(@TempDir Path strictData)
      throws Exception {
    try (TestNode strict = TestNode.start(strictData, Map.of("cairn.pinning.stake.minimum", "5"))) {
      PrivateKeySigner operator =
          PrivateKeySigner.fromHex(
              Files.readString(strictData.resolve("keys/service.key"), StandardCharsets.US_ASCII)
                  .strip());
      CairnClient agent = CairnClient.connect(strict.api()).authenticate(agentKey);
      CairnApiException unstaked =
          assertThrows(CairnApiException.class, () -> agent.registerProvider(HOSTER));
      assertEquals(ErrorCode.INSUFFICIENT_STAKE.name(), unstaked.code());
      assertEquals(402, unstaked.status());

      BigInteger token = BigInteger.TEN.pow(18);
      CairnClient.connect(strict.api())
          .ledger(operator)
          .mint(agentKey.address(), token.multiply(BigInteger.valueOf(5)));
      agent.ledger(agentKey).stake(token.multiply(BigInteger.valueOf(4)));
      assertEquals(
          ErrorCode.INSUFFICIENT_STAKE.name(),
          assertThrows(CairnApiException.class, () -> agent.registerProvider(HOSTER)).code(),
          "4 of 5 is not enough");
      agent.ledger(agentKey).stake(token);
      assertEquals("active", agent.registerProvider(HOSTER).getStatus());
    }
  }

  @Test
  void anAgentRegistersItsOwnKeyChangesItsTermsAndLeavesForGood() throws Exception {
    CairnClient agent = CairnClient.connect(node.api()).authenticate(agentKey);
    ProviderView registered = agent.registerProvider(HOSTER);
    assertEquals(agentKey.address().value(), registered.getAddress());
    assertEquals(List.of("hoster"), registered.getRolesList());
    assertEquals(10L << 30, registered.getCapacityBytes());
    assertEquals("active", registered.getStatus());
    assertEquals(1.0, registered.getStorageScore(), "a new provider starts with a perfect score");
    assertEquals("good", registered.getStanding());
    assertEquals(false, registered.getVetted());
    assertEquals(registered, agent.registerProvider(HOSTER), "the same terms change nothing");
    assertEquals(registered, CairnClient.connect(node.api()).provider(agentKey.address()));
    assertEquals(registered, agent.ownProvider());

    ProviderView grown =
        agent.registerProvider(
            HOSTER.toBuilder().addRoles("attester").setCapacityBytes(20L << 30).build());
    assertEquals(List.of("attester", "hoster"), grown.getRolesList());
    assertEquals(registered.getRegisteredAtMs(), grown.getRegisteredAtMs());

    assertEquals("exited", agent.exitProvider().getStatus());
    CairnApiException back =
        assertThrows(CairnApiException.class, () -> agent.registerProvider(HOSTER));
    assertEquals(ErrorCode.PROVIDER_EXITED.name(), back.code());
    assertEquals(409, back.status());
    assertEquals(
        "exited", CairnClient.connect(node.api()).provider(agentKey.address()).getStatus());
  }

  @Test
  void badTermsAndMissingSessionsAreRefusedAndChangeNothing() throws Exception {
    CairnClient agent = CairnClient.connect(node.api()).authenticate(agentKey);
    for (ProviderRegistration bad :
        List.of(
            HOSTER.toBuilder().clearRoles().build(),
            HOSTER.toBuilder().clearRoles().addRoles("miner").build(),
            HOSTER.toBuilder().setCapacityBytes(0).build(),
            HOSTER.toBuilder().setOperator("").build(),
            HOSTER.toBuilder().setRegion("x".repeat(65)).build())) {
      CairnApiException refused =
          assertThrows(CairnApiException.class, () -> agent.registerProvider(bad));
      assertEquals(ErrorCode.INVALID_PROVIDER.name(), refused.code(), bad.toString());
      assertEquals(400, refused.status());
    }
    CairnApiException none =
        assertThrows(
            CairnApiException.class,
            () -> CairnClient.connect(node.api()).provider(agentKey.address()));
    assertEquals(ErrorCode.PROVIDER_NOT_FOUND.name(), none.code());

    CairnApiException anonymous =
        assertThrows(
            CairnApiException.class,
            () -> CairnClient.connect(node.api()).registerProvider(HOSTER));
    assertEquals(401, anonymous.status());

    HttpResponse<String> notAnAddress =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(node.api() + "/api/v1/providers/0x12")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(400, notAnAddress.statusCode());
    assertTrue(notAnAddress.body().contains("INVALID_ADDRESS"), notAnAddress.body());
  }
}
