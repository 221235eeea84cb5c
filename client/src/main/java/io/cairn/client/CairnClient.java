package io.cairn.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.proto.api.ApiError;
import io.cairn.protocol.proto.api.Health;
import io.cairn.protocol.proto.api.NodeInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A connection to one Cairn node's public API ({@code http://host:7171} by default). */
public final class CairnClient {
  public static final URI DEFAULT_NODE = URI.create("http://127.0.0.1:7171");

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private final URI node;
  private final HttpClient http;
  private final Duration timeout;

  public CairnClient(URI node, Duration timeout) {
    this.node = node;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public static CairnClient connect(URI node) {
    return new CairnClient(node, Duration.ofSeconds(10));
  }

  public Health health() {
    return get("/api/v1/health", Health.newBuilder());
  }

  public NodeInfo node() {
    return get("/api/v1/node", NodeInfo.newBuilder());
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> T get(String path, Message.Builder builder) {
    HttpRequest request = HttpRequest.newBuilder(node.resolve(path))
        .timeout(timeout)
        .header("Accept", "application/json")
        .GET()
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the Cairn node at " + node + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + node, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw failure(response);
    }
    return (T) parse(response.body(), builder).build();
  }

  private static CairnApiException failure(HttpResponse<String> response) {
    try {
      ApiError error = (ApiError) parse(response.body(), ApiError.newBuilder()).build();
      if (!error.getError().isEmpty()) {
        return new CairnApiException(response.statusCode(), error.getError(), error.getMessage());
      }
    } catch (IllegalStateException notAnApiError) {
      // fall through: a proxy or another server answered
    }
    return new CairnApiException(response.statusCode(), "HTTP_" + response.statusCode(), response.body());
  }

  private static Message.Builder parse(String json, Message.Builder builder) {
    try {
      PARSER.merge(json, builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the node answered with malformed JSON: " + e.getMessage(), e);
    }
  }
}
