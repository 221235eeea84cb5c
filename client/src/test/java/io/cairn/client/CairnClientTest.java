package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.cairn.protocol.api.v1.NodeInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's parsing and error mapping against a real HTTP server on 127.0.0.1. */
class CairnClientTest {
  private HttpServer server;
  private CairnClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    respond(
        "/api/v1/node",
        200,
        "{\"address\":\"pekko://cairn@127.0.0.1:25520\",\"roles\":[\"api\",\"stream\"],"
            + "\"version\":\"1.0\",\"journal\":\"h2\",\"memberStatus\":\"up\",\"addedLater\":1}");
    respond("/api/v1/health", 503, "{\"error\":\"UNAVAILABLE\",\"message\":\"joining\"}");
    server.start();
    client = CairnClient.connect(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void respond(String path, int status, String body) {
    server.createContext(
        path,
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
  }

  @Test
  void readsNodeInfoAndIgnoresFieldsFromNewerNodes() {
    NodeInfo info = client.nodeInfo();
    assertEquals("pekko://cairn@127.0.0.1:25520", info.getAddress());
    assertEquals(2, info.getRolesCount());
    assertEquals("h2", info.getJournal());
  }

  @Test
  void anErrorAnswerBecomesItsCode() {
    CairnApiException error = assertThrows(CairnApiException.class, client::health);
    assertEquals(503, error.status());
    assertEquals("UNAVAILABLE", error.code());
  }

  @Test
  void aForeignErrorPageKeepsItsStatus() throws IOException {
    HttpServer foreign = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    foreign.start();
    try {
      CairnApiException error =
          assertThrows(
              CairnApiException.class,
              () ->
                  CairnClient.connect(
                          URI.create("http://127.0.0.1:" + foreign.getAddress().getPort()))
                      .nodeInfo());
      assertEquals(404, error.status());
      assertEquals("HTTP_404", error.code());
    } finally {
      foreign.stop(0);
    }
  }

  @Test
  void anUnreachableNodeIsNamed() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    UncheckedIOException error =
        assertThrows(
            UncheckedIOException.class,
            () -> CairnClient.connect(URI.create("http://127.0.0.1:" + closed)).nodeInfo());
    assertTrue(error.getMessage().contains("127.0.0.1:" + closed), error.getMessage());
  }
}
