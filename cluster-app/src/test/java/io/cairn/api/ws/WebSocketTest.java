package io.cairn.api.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.AppendToCore;
import io.cairn.protocol.api.v1.GetBlock;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.hypercore.TreeHead;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /api/v1/ws on a real node, through a real WebSocket connection. */
class WebSocketTest {
  @TempDir static Path data;
  private static TestNode node;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private WebSocket socket;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @BeforeEach
  void connect() {
    URI uri = URI.create("ws://127.0.0.1:" + node.api().getPort() + "/api/v1/ws");
    socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                uri,
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();
                  private ByteBuffer binary = ByteBuffer.allocate(0);

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      received.add(text.toString());
                      text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onBinary(
                      WebSocket webSocket, ByteBuffer data, boolean last) {
                    ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
                    joined.put(binary).put(data).flip();
                    binary = joined;
                    if (last) {
                      byte[] bytes = new byte[binary.remaining()];
                      binary.get(bytes);
                      received.add(bytes);
                      binary = ByteBuffer.allocate(0);
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .join();
  }

  @AfterEach
  void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }

  private Response sendText(String json) throws Exception {
    socket.sendText(json, true).join();
    Object answer = received.poll(20, TimeUnit.SECONDS);
    assertTrue(answer instanceof String, "expected a text answer, got " + answer);
    Response.Builder response = Response.newBuilder();
    JsonFormat.parser().merge((String) answer, response);
    return response.build();
  }

  private Response sendBinary(byte[] bytes) throws Exception {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    Object answer = received.poll(20, TimeUnit.SECONDS);
    assertTrue(answer instanceof byte[], "expected a binary answer, got " + answer);
    return Response.parseFrom((byte[]) answer);
  }

  private static void assertError(String code, String requestId, Response response) {
    assertEquals(requestId, response.getRequestId());
    assertEquals(code, response.getError().getError(), response.toString());
  }

  @Test
  void registerAppendAndReadVerified() throws Exception {
    CoreWriter writer = CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
    byte[] manifest = ((CoreDescriptor.ByManifest) CoreDescriptor.of(writer.identity())).encoded();
    Response registered =
        sendText(
            "{\"requestId\":\"r1\",\"registerCore\":{\"manifest\":\""
                + Base64.getEncoder().encodeToString(manifest)
                + "\"}}");
    assertEquals("r1", registered.getRequestId());
    assertEquals(0, registered.getCoreInfo().getLength());

    List<byte[]> blocks = List.of("over".getBytes(), "the".getBytes(), "socket".getBytes());
    SignedBatch batch = SignedBatch.of(writer.append(blocks), blocks);
    Response appended =
        sendBinary(
            Request.newBuilder()
                .setRequestId("r2")
                .setAppendToCore(
                    AppendToCore.newBuilder()
                        .setKey(ByteString.copyFrom(writer.identity().key()))
                        .setBatch(ProofProtos.toProto(batch)))
                .build()
                .toByteArray());
    assertEquals("r2", appended.getRequestId());
    assertEquals(3, appended.getCoreInfo().getLength());

    Response block =
        sendBinary(
            Request.newBuilder()
                .setRequestId("r3")
                .setGetBlock(
                    GetBlock.newBuilder()
                        .setKey(ByteString.copyFrom(writer.identity().key()))
                        .setIndex(2))
                .build()
                .toByteArray());
    Proof proof = ProofProtos.fromProto(block.getProof());
    assertArrayEquals("socket".getBytes(), proof.block().value());
    assertTrue(new ProofVerifier(writer.identity()).verify(proof, TreeHead.EMPTY).accepted());

    Response missing =
        sendBinary(
            Request.newBuilder()
                .setRequestId("r4")
                .setGetBlock(
                    GetBlock.newBuilder()
                        .setKey(ByteString.copyFrom(writer.identity().key()))
                        .setIndex(3))
                .build()
                .toByteArray());
    assertError("BLOCK_NOT_FOUND", "r4", missing);
  }

  @Test
  void badFramesAreAnsweredAndTheConnectionStaysUsable() throws Exception {
    assertError("MALFORMED_REQUEST", "", sendText("{\"requestId\": \"r1\", "));
    assertError("MALFORMED_REQUEST", "", sendBinary(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));
    assertError("UNKNOWN_REQUEST", "r2", sendText("{\"requestId\":\"r2\",\"launchRocket\":{}}"));
    assertError(
        "INVALID_CORE_KEY",
        "r3",
        sendText("{\"requestId\":\"r3\",\"getCoreInfo\":{\"key\":\"AAEC\"}}"));
    assertError(
        "CORE_NOT_FOUND",
        "r4",
        sendText(
            "{\"requestId\":\"r4\",\"getCoreInfo\":{\"key\":\""
                + Base64.getEncoder().encodeToString(new byte[32])
                + "\"}}"));
    assertError("REQUEST_TOO_LARGE", "", sendBinary(new byte[13 * 1024 * 1024]));
    assertError(
        "INVALID_MANIFEST",
        "r5",
        sendText("{\"requestId\":\"r5\",\"registerCore\":{\"manifest\":\"AAAA\"}}"));

    CoreWriter writer = CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
    byte[] manifest = ((CoreDescriptor.ByManifest) CoreDescriptor.of(writer.identity())).encoded();
    Response registered =
        sendText(
            "{\"requestId\":\"r6\",\"registerCore\":{\"manifest\":\""
                + Base64.getEncoder().encodeToString(manifest)
                + "\"}}");
    assertEquals(64, registered.getCoreInfo().getKey().size() * 2);
  }
}
