package io.cairn.api.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.auth.SessionTokens;
import io.cairn.client.ResponseListener;
import io.cairn.node.SignedEvents;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Response;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.Subscribe;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscription on a silent stream outlives the server's idle timeout: the node pings an idle
 * WebSocket well inside it, as Streamr's nodes ping every 15 s. The idle timeout here is the real
 * one, shortened by configuration, and the connection is held for several of them.
 */
class WebSocketKeepAliveTest {
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
  private static final SessionTokens SESSIONS =
      new SessionTokens(
          HexFormat.of().parseHex(TestNode.SESSION_SECRET), Duration.ofHours(1), Clock.systemUTC());

  @TempDir Path data;

  /** A connection that queues every answer and remembers why it closed, if it did. */
  private static final class Connection implements WebSocket.Listener {
    final BlockingQueue<Response> answers = new LinkedBlockingQueue<>();
    final AtomicReference<String> closed = new AtomicReference<>();
    private final ResponseListener responses = new ResponseListener(answers::add);
    final WebSocket socket;

    Connection(TestNode node) {
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(URI.create("ws://" + node.api().getAuthority() + "/api/v1/ws"), this)
              .join();
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      return responses.onBinary(webSocket, data, last);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.set("closed by the node with " + statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.set("failed: " + error);
    }

    Response ask(Request request) throws InterruptedException {
      socket.sendBinary(ByteBuffer.wrap(request.toByteArray()), true).join();
      Response answer = answers.poll(20, TimeUnit.SECONDS);
      assertTrue(answer != null, "no answer to " + request);
      return answer;
    }
  }

  @Test
  void anIdleSubscriptionStaysOpenPastTheIdleTimeout() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate();
    String stream = owner.address() + "/quiet";
    String session = SESSIONS.issue(owner.address());
    try (TestNode node =
        TestNode.start(
            data,
            Map.of(
                "pekko.http.server.idle-timeout",
                IDLE_TIMEOUT.toMillis() + "ms",
                "pekko.http.server.websocket.periodic-keep-alive-max-idle",
                "1s"))) {
      node.createStream(stream, 1, session);

      Connection subscriber = new Connection(node);
      assertTrue(
          subscriber
              .ask(Request.newBuilder().setRequestId("auth").setAuthenticate(session).build())
              .hasAuthenticated());
      assertTrue(
          subscriber
              .ask(
                  Request.newBuilder()
                      .setRequestId("sub")
                      .setSubscribe(Subscribe.newBuilder().setStreamId(stream))
                      .build())
              .hasSubscribed());

      // silent for four idle timeouts: without keep-alive pings the node closes it after one
      Duration held = IDLE_TIMEOUT.multipliedBy(4);
      await()
          .during(held)
          .atMost(held.plusSeconds(5))
          .until(() -> subscriber.closed.get() == null && !subscriber.socket.isInputClosed());

      StreamMessage event =
          SignedEvents.event(owner, stream, 0, System.currentTimeMillis(), "{\"late\":1}", null);
      Connection publisher = new Connection(node);
      assertTrue(
          publisher
              .ask(Request.newBuilder().setRequestId("pub").setPublish(event).build())
              .hasPublishAck());
      Response delivered = subscriber.answers.poll(20, TimeUnit.SECONDS);
      assertTrue(
          delivered != null && delivered.hasEvent(),
          "the held subscription received " + delivered + "; " + subscriber.closed.get());
      assertEquals(event, delivered.getEvent());
    }
  }
}
