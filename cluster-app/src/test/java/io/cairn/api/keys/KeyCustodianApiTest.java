package io.cairn.api.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.client.GroupKeyExchange;
import io.cairn.node.SignedEvents;
import io.cairn.node.TestNode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.AsymmetricEncryptionType;
import io.cairn.protocol.api.v1.MessageId;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.EncryptionException;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.GroupKeySealing;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream's key custodian through the public API and the SDK, on a real node on H2. */
class KeyCustodianApiTest {
  /**
   * RSA keys of the smallest size Cairn seals to, so that the tests do not wait for 4096-bit ones.
   */
  private static final int RSA_BITS = GroupKeySealing.MIN_KEY_SIZE;

  @TempDir static Path data;
  private static TestNode node;

  private final PrivateKeySigner ownerWallet = PrivateKeySigner.generate();
  private final String stream = ownerWallet.address() + "/secret/" + UUID.randomUUID();

  @BeforeAll
  static void start() throws Exception {
    // a loaded machine may take more than the default wait for a revocation's rotation
    node = TestNode.start(data, Map.of("cairn.keys.revoke-rotation-wait", "30s"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private CairnClient owner() {
    return CairnClient.connect(node.api()).authenticate(ownerWallet);
  }

  private static GroupKeyExchange exchange(PrivateKeySigner wallet) {
    return new GroupKeyExchange(CairnClient.connect(node.api()), wallet, RSA_BITS);
  }

  @Test
  void
      aPermittedSubscriberGetsTheCurrentKeyAndReadsTheContentAnAddressWithoutSubscribeGetsNothing() {
    CairnClient owner = owner();
    owner.createStream(stream, "encrypted", 1);
    var appointed = owner.appointCustodian(stream);
    String serviceAddress = CairnClient.connect(node.api()).nodeInfo().getServiceAddress();
    assertEquals(serviceAddress, appointed.getServiceAddress());
    assertEquals(appointed, owner.appointCustodian(stream), "appointing again changes nothing");
    assertEquals(appointed, CairnClient.connect(node.api()).custodian(stream));

    GroupKey key = exchange(ownerWallet).current(stream);
    assertEquals(appointed.getCurrentGroupKeyId(), key.id());
    publishEncrypted(owner, key, "{\"secret\":1}");

    PrivateKeySigner reader = PrivateKeySigner.generate();
    owner.grant(stream, reader.address(), "subscribe");
    StreamMessage stored =
        CairnClient.connect(node.api())
            .authenticate(reader)
            .storedEvents(stream, 0, "last?count=1")
            .get(0);
    byte[] plaintext =
        StreamEncryption.decryptContent(stored, exchange(reader).lookup(stream)).content();
    assertEquals("{\"secret\":1}", new String(plaintext, StandardCharsets.UTF_8));

    CairnApiException refused =
        assertThrows(
            CairnApiException.class, () -> exchange(PrivateKeySigner.generate()).current(stream));
    assertEquals("NOT_PERMITTED", refused.code());
    assertEquals(403, refused.status());
  }

  @Test
  void revokingSubscribeRotatesTheKeySoTheRevokedAddressCannotReadNewContent() {
    CairnClient owner = owner();
    owner.createStream(stream, "", 1);
    owner.appointCustodian(stream);
    PrivateKeySigner revoked = PrivateKeySigner.generate();
    PrivateKeySigner kept = PrivateKeySigner.generate();
    owner.grant(stream, revoked.address(), "subscribe");
    owner.grant(stream, kept.address(), "subscribe");
    GroupKeyExchange revokedExchange = exchange(revoked);
    GroupKey old = revokedExchange.current(stream);
    assertEquals(old, exchange(kept).current(stream));

    assertEquals(
        "done",
        owner.revoke(stream, revoked.address(), "subscribe").getKeyRotation(),
        "the revocation is answered once the key rotated");
    String current = CairnClient.connect(node.api()).custodian(stream).getCurrentGroupKeyId();
    assertNotEquals(old.id(), current);

    assertEquals(
        "NOT_PERMITTED",
        assertThrows(CairnApiException.class, () -> revokedExchange.current(stream)).code());
    assertEquals(
        "NOT_PERMITTED",
        assertThrows(CairnApiException.class, () -> exchange(revoked).find(stream, old.id()))
            .code());

    GroupKey fresh = exchange(ownerWallet).current(stream);
    StreamMessage newContent = publishEncrypted(owner, fresh, "{\"after\":\"revoke\"}");
    assertThrows(EncryptionException.class, () -> StreamEncryption.decryptContent(newContent, old));

    GroupKeyExchange keptExchange = exchange(kept);
    assertEquals(old, keptExchange.find(stream, old.id()));
    assertEquals(fresh, keptExchange.current(stream));
    assertEquals(
        "{\"after\":\"revoke\"}",
        new String(
            StreamEncryption.decryptContent(newContent, keptExchange.lookup(stream)).content(),
            StandardCharsets.UTF_8));

    // everyone's subscribe revoked rotates as well; other permissions have no key to rotate
    owner.grant(stream, null, "subscribe");
    assertEquals("done", owner.revoke(stream, null, "subscribe").getKeyRotation());
    String afterEveryone = CairnClient.connect(node.api()).custodian(stream).getCurrentGroupKeyId();
    assertNotEquals(current, afterEveryone);
    owner.grant(stream, kept.address(), "publish");
    assertEquals("", owner.revoke(stream, kept.address(), "publish").getKeyRotation());
    assertEquals(
        afterEveryone, CairnClient.connect(node.api()).custodian(stream).getCurrentGroupKeyId());
  }

  @Test
  void theOwnerRotatesOnDemandAndNoOneElseCan() {
    CairnClient owner = owner();
    owner.createStream(stream, "", 1);
    assertEquals(
        "CUSTODIAN_NOT_FOUND",
        assertThrows(
                CairnApiException.class, () -> CairnClient.connect(node.api()).custodian(stream))
            .code());
    String first = owner.appointCustodian(stream).getCurrentGroupKeyId();
    String second = owner.rotateGroupKey(stream).getCurrentGroupKeyId();
    assertNotEquals(first, second);
    assertEquals(second, CairnClient.connect(node.api()).custodian(stream).getCurrentGroupKeyId());

    CairnClient stranger =
        CairnClient.connect(node.api()).authenticate(PrivateKeySigner.generate());
    assertEquals(
        "NOT_PERMITTED",
        assertThrows(CairnApiException.class, () -> stranger.rotateGroupKey(stream)).code());
    assertEquals(
        "NOT_PERMITTED",
        assertThrows(CairnApiException.class, () -> stranger.appointCustodian(stream)).code());
    assertEquals(
        "UNAUTHENTICATED",
        assertThrows(
                CairnApiException.class,
                () -> CairnClient.connect(node.api()).rotateGroupKey(stream))
            .code());
  }

  @Test
  void requestsThatAreNotValidAreRefusedEachWithItsCode() throws Exception {
    CairnClient owner = owner();
    owner.createStream(stream, "", 1);
    String current = owner.appointCustodian(stream).getCurrentGroupKeyId();
    EthereumAddress service = EthereumAddress.parse(owner.custodian(stream).getServiceAddress());
    RSAPublicKey rsa = (RSAPublicKey) GroupKeySealing.generateKeyPair(RSA_BITS).getPublic();
    CairnClient anyone = CairnClient.connect(node.api());

    // a request built and sent by hand is answered, the key sealed to its public key
    StreamMessage valid = request(stream, service, rsa, List.of());
    assertEquals(
        current, anyone.requestKeys(stream, valid).getGroupKeyResponse().getGroupKeys(0).getId());

    StreamMessage.Builder changed = valid.toBuilder();
    changed.getGroupKeyRequestBuilder().setRequestId("changed after signing");
    assertRefused("PUBLISHER_MISMATCH", 401, () -> anyone.requestKeys(stream, changed.build()));
    StreamMessage cut =
        valid.toBuilder().setSignature(valid.getSignature().substring(0, 64)).build();
    assertRefused("INVALID_SIGNATURE", 422, () -> anyone.requestKeys(stream, cut));

    String other = ownerWallet.address() + "/other";
    owner.createStream(other, "", 1);
    owner.appointCustodian(other);
    assertRefused("STREAM_MISMATCH", 400, () -> anyone.requestKeys(other, valid));

    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    RSAPublicKey weak = (RSAPublicKey) small.generateKeyPair().getPublic();
    assertRefused(
        "INVALID_PUBLIC_KEY",
        400,
        () -> anyone.requestKeys(stream, request(stream, service, weak, List.of())));

    assertRefused(
        "WRONG_RECIPIENT",
        400,
        () ->
            anyone.requestKeys(
                stream, request(stream, PrivateKeySigner.generate().address(), rsa, List.of())));
    assertRefused(
        "UNKNOWN_GROUP_KEY",
        404,
        () ->
            anyone.requestKeys(
                stream, request(stream, service, rsa, List.of(current, "never-made"))));

    StreamMessage.Builder mlKem = StreamMessage.newBuilder(valid).clearSignature();
    mlKem.getGroupKeyRequestBuilder().setEncryptionType(AsymmetricEncryptionType.ML_KEM);
    // encryptionType is not covered by the signature, so the request still verifies
    assertRefused(
        "UNSUPPORTED_KEY_EXCHANGE",
        400,
        () -> anyone.requestKeys(stream, mlKem.setSignature(valid.getSignature()).build()));

    StreamMessage content =
        SignedEvents.event(ownerWallet, stream, 0, System.currentTimeMillis(), "{}", null);
    assertRefused("INVALID_KEY_REQUEST", 400, () -> anyone.requestKeys(stream, content));

    // the protobuf JSON mapping is accepted too
    HttpResponse<String> json =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        node.api()
                            .resolve(
                                "/api/v1/streams/"
                                    + URLEncoder.encode(stream, StandardCharsets.UTF_8)
                                    + "/keys"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JsonFormat.printer().print(request(stream, service, rsa, List.of()))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, json.statusCode(), json.body());
    assertTrue(json.body().contains("groupKeyResponse"), json.body());
  }

  @Test
  void keysSurviveARestartAndTheJournalHoldsNoKeyInClear(@TempDir Path own) throws Exception {
    List<GroupKey> before;
    String current;
    try (TestNode first = TestNode.start(own)) {
      CairnClient owner = CairnClient.connect(first.api()).authenticate(ownerWallet);
      owner.createStream(stream, "", 1);
      String appointed = owner.appointCustodian(stream).getCurrentGroupKeyId();
      current = owner.rotateGroupKey(stream).getCurrentGroupKeyId();
      GroupKeyExchange exchange =
          new GroupKeyExchange(CairnClient.connect(first.api()), ownerWallet, RSA_BITS);
      before = List.of(exchange.find(stream, appointed), exchange.current(stream));
      assertTrue(Files.exists(own.resolve("keys").resolve("master.key")));
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(own.resolve("keys").resolve("master.key"))));
    }

    byte[] journal = journalBytes(own);
    assertTrue(journal.length > 0);
    for (GroupKey key : before) {
      for (byte[] form :
          List.of(
              key.data(),
              HexFormat.of().formatHex(key.data()).getBytes(StandardCharsets.US_ASCII),
              Base64.getEncoder().encode(key.data()))) {
        assertFalse(
            contains(journal, form), "the journal holds group key " + key.id() + " in clear");
      }
    }

    try (TestNode second = TestNode.start(own)) {
      assertEquals(
          current, CairnClient.connect(second.api()).custodian(stream).getCurrentGroupKeyId());
      GroupKeyExchange exchange =
          new GroupKeyExchange(CairnClient.connect(second.api()), ownerWallet, RSA_BITS);
      assertEquals(
          before, List.of(exchange.find(stream, before.get(0).id()), exchange.current(stream)));
    }
  }

  /**
   * Every payload of the node's H2 journal and snapshot store, read with JDBC after the node
   * stopped.
   */
  private static byte[] journalBytes(Path dataDir) throws Exception {
    String url =
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("journal").resolve("cairn")
            + ";ACCESS_MODE_DATA=r";
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (Connection connection = DriverManager.getConnection(url, "cairn", "")) {
      for (String query :
          List.of(
              "SELECT \"event_payload\" FROM \"event_journal\"",
              "SELECT \"snapshot_payload\" FROM \"snapshot\"")) {
        try (ResultSet rows = connection.createStatement().executeQuery(query)) {
          while (rows.next()) {
            all.write(rows.getBytes(1));
          }
        }
      }
    }
    return all.toByteArray();
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private StreamMessage publishEncrypted(CairnClient client, GroupKey key, String json) {
    StreamMessage plain =
        SignedEvents.event(ownerWallet, stream, 0, System.currentTimeMillis(), json, null);
    StreamMessage encrypted =
        new EventSigner(ownerWallet)
            .sign(
                StreamEncryption.encryptContent(
                    plain.toBuilder()
                        .setMessageId(
                            plain.getMessageId().toBuilder()
                                .setMessageChainId(UUID.randomUUID().toString()))
                        .build(),
                    key));
    client.publish(encrypted);
    return encrypted;
  }

  private StreamMessage request(
      String streamId, EthereumAddress recipient, RSAPublicKey rsa, List<String> ids) {
    return new EventSigner(ownerWallet)
        .sign(
            StreamMessage.newBuilder()
                .setMessageId(
                    MessageId.newBuilder()
                        .setStreamId(streamId)
                        .setTimestamp(System.currentTimeMillis())
                        .setMessageChainId("keys"))
                .setGroupKeyRequest(
                    GroupKeySealing.request(UUID.randomUUID().toString(), recipient, rsa, ids))
                .build());
  }

  private static void assertRefused(String code, int status, Runnable call) {
    CairnApiException refused = assertThrows(CairnApiException.class, call::run);
    assertEquals(code, refused.code(), refused.getMessage());
    assertEquals(status, refused.status(), refused.getMessage());
  }
}
