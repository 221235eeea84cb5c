package io.cairn.api.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.client.CoreReader;
import io.cairn.client.CoreWriter;
import io.cairn.client.ProofRejectedException;
import io.cairn.node.TestNode;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.RejectReason;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.hypercore.TreeHead;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /api/v1/cores on a real node, through the SDK and through plain HTTP. */
class CoreApiTest {
  @TempDir static Path data;
  private static TestNode node;
  private static CairnClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(data);
    client = CairnClient.connect(node.api());
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private static List<byte[]> randomBlocks(Random random, int... sizes) {
    List<byte[]> blocks = new ArrayList<>();
    for (int size : sizes) {
      byte[] block = new byte[size];
      random.nextBytes(block);
      blocks.add(block);
    }
    return blocks;
  }

  @Test
  void whatTheWriterAppendsTheReaderVerifies() {
    Random random = new Random(11);
    CoreKeyPair keyPair = CoreKeyPair.generate();
    CoreWriter writer = CoreWriter.open(client, keyPair);
    List<byte[]> blocks =
        randomBlocks(random, 10, 0, 3 * 1024 * 1024, 3 * 1024 * 1024, 3 * 1024 * 1024, 5000);
    TreeHead head = writer.append(blocks);
    assertEquals(6, head.length());

    CoreReader reader = CoreReader.open(client, writer.key());
    for (int i = 0; i < blocks.size(); i++) {
      assertArrayEquals(blocks.get(i), reader.get(i), "block " + i);
    }
    assertEquals(head, reader.trustedHead());
    List<byte[]> range = reader.range(0, 2);
    assertArrayEquals(blocks.get(0), range.get(0));

    // a second writer process picks up where the first one stopped
    CoreWriter again = CoreWriter.open(client, keyPair);
    assertEquals(7, again.append("one more".getBytes(StandardCharsets.UTF_8)).length());
    assertEquals(7, reader.latest().length());
    assertArrayEquals("one more".getBytes(StandardCharsets.UTF_8), reader.get(6));
  }

  @Test
  void aBlockAlteredOnTheWayIsNeverReturned() throws Exception {
    CoreWriter writer = CoreWriter.open(client, CoreKeyPair.generate());
    writer.append(List.of("genuine-0".getBytes(), "genuine-1".getBytes(), "genuine-2".getBytes()));
    HttpServer tampering = tamperingProxy();
    try {
      CairnClient throughProxy =
          CairnClient.connect(URI.create("http://127.0.0.1:" + tampering.getAddress().getPort()));
      CoreReader reader = CoreReader.open(throughProxy, writer.key());
      ProofRejectedException rejected =
          assertThrows(ProofRejectedException.class, () -> reader.get(1));
      assertTrue(
          rejected.reason() == RejectReason.SIGNATURE_INVALID
              || rejected.reason() == RejectReason.HASH_MISMATCH,
          rejected.getMessage());
    } finally {
      tampering.stop(0);
    }
  }

  /** Forwards to the node, changing the last byte of every raw block it passes on. */
  private static HttpServer tamperingProxy() throws IOException {
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    HttpClient forward = HttpClient.newHttpClient();
    proxy.createContext(
        "/",
        exchange -> {
          try {
            HttpResponse<byte[]> answer =
                forward.send(
                    HttpRequest.newBuilder(node.api().resolve(exchange.getRequestURI().toString()))
                        .header(
                            "Accept",
                            Optional.ofNullable(exchange.getRequestHeaders().getFirst("Accept"))
                                .orElse("*/*"))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = answer.body();
            if (exchange.getRequestURI().getQuery() != null
                && exchange.getRequestURI().getQuery().contains("format=raw")) {
              body[body.length - 1] ^= 0x01;
            }
            answer
                .headers()
                .map()
                .forEach(
                    (name, values) -> {
                      if (!name.equalsIgnoreCase("content-length") && !name.startsWith(":")) {
                        values.forEach(value -> exchange.getResponseHeaders().add(name, value));
                      }
                    });
            exchange.sendResponseHeaders(answer.statusCode(), body.length);
            exchange.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            exchange.close();
          }
        });
    proxy.start();
    return proxy;
  }

  // ---- bad input, each through the real endpoint ----

  private HttpResponse<String> send(String method, String path, String contentType, byte[] body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.api().resolve(path)).timeout(Duration.ofSeconds(30));
    if (body != null) {
      request
          .header("Content-Type", contentType)
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertError(int status, String code, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "application/json",
        response.headers().firstValue("Content-Type").orElse(""),
        response.body());
    JsonObject error = JsonParser.parseString(response.body()).getAsJsonObject();
    assertEquals(code, error.get("error").getAsString(), response.body());
    assertTrue(error.get("message").getAsString().length() > 10, response.body());
  }

  /**
   * The node refuses a body by its declared length, before reading it. Sending only the headers
   * makes that deterministic: a client still uploading 13 MiB could miss the answer when the node
   * closes the connection after it.
   */
  private void assertTooLargeByDeclaredLength(String path, int length) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.api().getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Content-Type: application/x-protobuf\r\nContent-Length: "
                      + length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readNBytes(2048), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      assertTrue(answer.contains("\"error\":\"REQUEST_TOO_LARGE\""), answer);
    }
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void registrationErrors() throws Exception {
    assertError(
        400,
        "MALFORMED_REQUEST",
        send("POST", "/api/v1/cores", "application/json", json("{\"manifest\": ")));
    assertError(
        400,
        "MALFORMED_REQUEST",
        send("POST", "/api/v1/cores", "application/json", json("{\"manifests\": \"AAAA\"}")));
    assertError(
        400,
        "INVALID_MANIFEST",
        send("POST", "/api/v1/cores", "application/json", json("{\"manifest\": \"AAAA\"}")));
    assertError(
        400, "INVALID_MANIFEST", send("POST", "/api/v1/cores", "application/json", json("{}")));
    assertError(
        415, "UNSUPPORTED_MEDIA_TYPE", send("POST", "/api/v1/cores", "text/plain", json("hello")));
  }

  @Test
  void registeringACoreAgainAnswers200AndRegisteringANewOne201() throws Exception {
    io.cairn.protocol.hypercore.CoreIdentity identity =
        io.cairn.protocol.hypercore.CoreIdentity.ofPublicKey(CoreKeyPair.generate().publicKey());
    byte[] manifest =
        ((io.cairn.protocol.hypercore.CoreDescriptor.ByManifest)
                io.cairn.protocol.hypercore.CoreDescriptor.of(identity))
            .encoded();
    byte[] body = json("{\"manifest\": \"" + Base64.getEncoder().encodeToString(manifest) + "\"}");
    String location = "/api/v1/cores/" + HexFormat.of().formatHex(identity.key());
    HttpResponse<String> created = send("POST", "/api/v1/cores", "application/json", body);
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(location, created.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> again = send("POST", "/api/v1/cores", "application/json", body);
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(location, again.headers().firstValue("Location").orElseThrow());
    assertEquals(created.body(), again.body(), "registering again changes nothing");
  }

  @Test
  void coreInfoOverHttpIsReadableHexWithEveryNumberAndProtobufWhenAskedFor() throws Exception {
    CoreWriter writer = CoreWriter.open(client, CoreKeyPair.generate());
    String key = HexFormat.of().formatHex(writer.key());
    JsonObject empty =
        JsonParser.parseString(send("GET", "/api/v1/cores/" + key, null, null).body())
            .getAsJsonObject();
    assertEquals(key, empty.get("key").getAsString(), "the key as the path names it");
    assertEquals(0, empty.get("fork").getAsLong(), "fork is there when it is 0");
    assertEquals(0, empty.get("length").getAsLong());
    assertTrue(empty.get("signature").isJsonNull(), "nothing signed yet");
    assertTrue(empty.get("discoveryKey").getAsString().matches("[0-9a-f]{64}"));

    writer.append(List.of("a".getBytes(), "b".getBytes()));
    JsonObject appended =
        JsonParser.parseString(send("GET", "/api/v1/cores/" + key, null, null).body())
            .getAsJsonObject();
    assertEquals(2, appended.get("length").getAsLong());
    assertTrue(appended.get("treeHash").getAsString().matches("[0-9a-f]{64}"));
    assertTrue(appended.get("signature").getAsString().matches("([0-9a-f]{2})+"));
    assertEquals(
        HexFormat.of().formatHex(client.coreInfo(writer.key()).getTreeHash().toByteArray()),
        appended.get("treeHash").getAsString(),
        "the SDK reads the same info as protobuf");
  }

  @Test
  void lookupErrors() throws Exception {
    String unknown = HexFormat.of().formatHex(new byte[32]);
    assertError(400, "INVALID_CORE_KEY", send("GET", "/api/v1/cores/not-a-key", null, null));
    HttpResponse<String> notFound = send("GET", "/api/v1/cores/" + unknown, null, null);
    assertError(404, "CORE_NOT_FOUND", notFound);
    assertTrue(notFound.body().contains("no core with key " + unknown), "names the key asked for");
    // the method is wrong whatever the key: no core can be deleted
    assertError(405, "METHOD_NOT_ALLOWED", send("DELETE", "/api/v1/cores/not-a-key", null, null));
    CoreWriter writer = CoreWriter.open(client, CoreKeyPair.generate());
    writer.append(List.of("a".getBytes(), "b".getBytes()));
    String core = "/api/v1/cores/" + HexFormat.of().formatHex(writer.key());
    assertError(404, "BLOCK_NOT_FOUND", send("GET", core + "/blocks/2", null, null));
    assertError(400, "MALFORMED_REQUEST", send("GET", core + "/blocks/0?format=xml", null, null));
    assertError(
        400, "MALFORMED_REQUEST", send("GET", core + "/blocks?start=zero&end=1", null, null));
    assertError(400, "MALFORMED_REQUEST", send("GET", core + "/blocks?start=0", null, null));
    assertError(400, "INVALID_RANGE", send("GET", core + "/blocks?start=1&end=5", null, null));
    assertError(400, "INVALID_RANGE", send("GET", core + "/upgrade?from=0&to=1", null, null));
    assertError(405, "METHOD_NOT_ALLOWED", send("DELETE", core, null, null));

    HttpResponse<String> proof = send("GET", core + "/blocks/1", null, null);
    assertEquals(200, proof.statusCode());
    JsonObject block =
        JsonParser.parseString(proof.body()).getAsJsonObject().getAsJsonObject("block");
    assertEquals("Yg==", block.get("value").getAsString(), "block 1 is \"b\" in base64");
  }

  @Test
  void appendErrorsStoreNothing() throws Exception {
    CoreKeyPair keyPair = CoreKeyPair.generate();
    CoreWriter writer = CoreWriter.open(client, keyPair);
    writer.append("first".getBytes());
    String batches = "/api/v1/cores/" + HexFormat.of().formatHex(writer.key()) + "/batches";

    io.cairn.protocol.hypercore.CoreWriter local =
        io.cairn.protocol.hypercore.CoreWriter.resume(
            keyPair,
            writer.identity(),
            new io.cairn.protocol.hypercore.InMemoryTreeStore(),
            writer.head());
    List<byte[]> blocks = List.of("second".getBytes());
    SignedBatch good = SignedBatch.of(local.append(blocks), blocks);
    SignedBatch forged =
        new SignedBatch(
            good.fork(), good.start(), List.of("forged".getBytes()), List.of(), good.signature());
    assertError(
        422,
        "INVALID_BATCH",
        send("POST", batches, "application/x-protobuf", ProofProtos.toProto(forged).toByteArray()));
    assertError(
        400,
        "MALFORMED_REQUEST",
        send("POST", batches, "application/x-protobuf", new byte[] {(byte) 0xff, 0x01}));
    // a root whose hash is not 32 bytes cannot even be read: the batch is refused as over
    // WebSocket, not failed as the node's fault
    assertError(
        422,
        "INVALID_BATCH",
        send(
            "POST",
            batches,
            "application/x-protobuf",
            ProofProtos.toProto(good).toBuilder()
                .setRoots(
                    0,
                    ProofProtos.toProto(good.roots().get(0)).toBuilder()
                        .setHash(ByteString.copyFrom(new byte[3])))
                .build()
                .toByteArray()));
    assertTooLargeByDeclaredLength(batches, 13 * 1024 * 1024);

    CairnApiException tooLarge =
        assertThrows(CairnApiException.class, () -> writer.append(new byte[4 * 1024 * 1024 + 1]));
    assertEquals("BLOCK_TOO_LARGE", tooLarge.code());
    assertEquals(413, tooLarge.status());
    assertEquals(1, client.coreInfo(writer.key()).getLength(), "nothing refused was stored");

    // the writer continues from the node's length after a refusal
    assertEquals(2, writer.append("second".getBytes()).length());
  }
}
