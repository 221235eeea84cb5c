package io.cairn.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.proto.api.ApiError;
import io.cairn.protocol.proto.api.Health;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PersonalMessage;
import io.cairn.protocol.proto.api.Challenge;
import io.cairn.protocol.proto.api.ChallengeRequest;
import io.cairn.protocol.proto.api.NodeInfo;
import io.cairn.protocol.proto.api.Session;
import io.cairn.protocol.proto.api.SessionRequest;
import io.cairn.protocol.proto.event.StreamMessage;
import io.cairn.protocol.proto.stream.CreateStreamRequest;
import io.cairn.protocol.proto.stream.PermissionRequest;
import io.cairn.protocol.proto.stream.PublishAck;
import io.cairn.protocol.proto.stream.StreamDescription;
import io.cairn.protocol.proto.core.CoreInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** A connection to one Cairn node's public API ({@code http://host:7171} by default). */
public final class CairnClient {
  public static final URI DEFAULT_NODE = URI.create("http://127.0.0.1:7171");

  /** Header in which the node sends the proof of a raw block (base64 protobuf {@code Proof}). */
  public static final String PROOF_HEADER = "Cairn-Proof";
  static final String PROTOBUF = "application/x-protobuf";

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private final URI node;
  private final HttpClient http;
  private final Duration timeout;
  private final Optional<String> session;

  public CairnClient(URI node, Duration timeout) {
    this(node, timeout, HttpClient.newBuilder().connectTimeout(timeout).build(), Optional.empty());
  }

  private CairnClient(URI node, Duration timeout, HttpClient http, Optional<String> session) {
    this.node = node;
    this.timeout = timeout;
    this.http = http;
    this.session = session;
  }

  public static CairnClient connect(URI node) {
    return new CairnClient(node, Duration.ofSeconds(10));
  }

  public URI node() {
    return node;
  }

  public Health health() {
    return get("/api/v1/health", Health.newBuilder());
  }

  public NodeInfo nodeInfo() {
    return get("/api/v1/node", NodeInfo.newBuilder());
  }

  // ---- sessions and streams ----

  /**
   * A client acting as {@code signer}'s address: it asks the node for a challenge, signs it here
   * with {@code personal_sign} (the key never leaves this process), and keeps the session token.
   */
  public CairnClient authenticate(EvmSigner signer) {
    Challenge challenge = post("/api/v1/auth/challenge",
        ChallengeRequest.newBuilder().setAddress(signer.address().value()).build(), Challenge.newBuilder());
    byte[] digest = PersonalMessage.digest(challenge.getChallenge().getBytes(StandardCharsets.UTF_8));
    Session opened = post("/api/v1/auth/session", SessionRequest.newBuilder()
        .setChallenge(challenge.getChallenge())
        .setSignature("0x" + HexFormat.of().formatHex(signer.sign(digest).encode()))
        .build(), Session.newBuilder());
    return new CairnClient(node, timeout, http, Optional.of(opened.getToken()));
  }

  public StreamDescription createStream(String streamId, String description, int partitions) {
    return post("/api/v1/streams", CreateStreamRequest.newBuilder()
        .setId(streamId).setDescription(description).setPartitions(partitions).build(), StreamDescription.newBuilder());
  }

  public StreamDescription stream(String streamId) {
    return get(streamPath(streamId), StreamDescription.newBuilder());
  }

  /** Grants {@code permission} (publish, subscribe, edit, delete, grant) to an address, or to everyone if null. */
  public StreamDescription grant(String streamId, EthereumAddress grantee, String permission) {
    PermissionRequest.Builder request = PermissionRequest.newBuilder().setPermission(permission);
    if (grantee == null) {
      request.setPublic(true);
    } else {
      request.setAddress(grantee.value());
    }
    return post(streamPath(streamId) + "/permissions", request.build(), StreamDescription.newBuilder());
  }

  /** Publishes an event signed elsewhere (see {@link EventPublisher}); answered once it is stored. */
  public PublishAck publish(StreamMessage event) {
    return post(streamPath(event.getMessageId().getStreamId()) + "/messages", event, PublishAck.newBuilder());
  }

  /** Stored events of a partition, as published: {@code query} is "last?count=10", "from?fromTimestamp=...", ... */
  public List<StreamMessage> storedEvents(String streamId, int partition, String query) {
    String separator = query.contains("?") ? "&" : "?";
    HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve(
            streamPath(streamId) + "/data/partitions/" + partition + "/" + query + separator + "format=raw"))
        .timeout(timeout).GET();
    session.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    HttpResponse<byte[]> response = send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    List<StreamMessage> events = new ArrayList<>();
    ByteBuffer frames = ByteBuffer.wrap(response.body());
    try {
      while (frames.remaining() >= 4) {
        byte[] frame = new byte[frames.getInt()];
        frames.get(frame);
        events.add(StreamMessage.parseFrom(frame));
      }
    } catch (InvalidProtocolBufferException | java.nio.BufferUnderflowException e) {
      throw new IllegalStateException("the node sent malformed raw frames: " + e.getMessage(), e);
    }
    return events;
  }

  private static String streamPath(String streamId) {
    return "/api/v1/streams/" + URLEncoder.encode(streamId, StandardCharsets.UTF_8);
  }

  // ---- cores ----

  /** Registers a core with the node (again, harmlessly, if it already is) and answers its info. */
  public CoreInfo registerCore(CoreDescriptor descriptor) {
    return post("/api/v1/cores", ProofProtos.toProto(descriptor), CoreInfo.newBuilder());
  }

  public CoreInfo appendBatch(byte[] key, SignedBatch batch) {
    return post(corePath(key) + "/batches", ProofProtos.toProto(batch), CoreInfo.newBuilder());
  }

  public CoreInfo coreInfo(byte[] key) {
    return get(corePath(key), CoreInfo.newBuilder());
  }

  /**
   * Block {@code index} with the proof that upgrades a reader from {@code trustedLength}. Fetched
   * raw, the proof travelling in a header; nothing here is verified ({@link CoreReader} does that).
   */
  public Proof block(byte[] key, long index, long trustedLength) {
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(node.resolve(
            corePath(key) + "/blocks/" + index + "?format=raw&trustedLength=" + trustedLength))
        .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    String header = response.headers().firstValue(PROOF_HEADER).orElseThrow(() ->
        new IllegalStateException("the node sent block " + index + " without its " + PROOF_HEADER + " header"));
    try {
      Proof proof = ProofProtos.fromProto(io.cairn.protocol.proto.core.Proof.parseFrom(Base64.getDecoder().decode(header)));
      return new Proof(proof.fork(), new Proof.Block(index, response.body(), proof.block().nodes()), proof.upgrade());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new IllegalStateException("the node sent a malformed proof for block " + index + ": " + e.getMessage(), e);
    }
  }

  public RangeProof range(byte[] key, long start, long end) {
    return ProofProtos.fromProto((io.cairn.protocol.proto.core.RangeProof) get(
        corePath(key) + "/blocks?start=" + start + "&end=" + end, io.cairn.protocol.proto.core.RangeProof.newBuilder()));
  }

  public Proof upgrade(byte[] key, long from, long to) {
    return ProofProtos.fromProto((io.cairn.protocol.proto.core.Proof) get(
        corePath(key) + "/upgrade?from=" + from + "&to=" + to, io.cairn.protocol.proto.core.Proof.newBuilder()));
  }

  private static String corePath(byte[] key) {
    return "/api/v1/cores/" + HexFormat.of().formatHex(key);
  }

  // ---- plumbing ----

  @SuppressWarnings("unchecked")
  private <T extends Message> T get(String path, Message.Builder builder) {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve(path))
        .timeout(timeout)
        .header("Accept", "application/json")
        .GET();
    session.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return (T) answer(send(request.build(), HttpResponse.BodyHandlers.ofString()), builder);
  }

  /** Requests go as binary protobuf; answers come back in the JSON mapping. */
  @SuppressWarnings("unchecked")
  private <T extends Message> T post(String path, Message body, Message.Builder builder) {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve(path))
        .timeout(timeout)
        .header("Accept", "application/json")
        .header("Content-Type", PROTOBUF)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    session.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return (T) answer(send(request.build(), HttpResponse.BodyHandlers.ofString()), builder);
  }

  private static Message answer(HttpResponse<String> response, Message.Builder builder) {
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), response.body());
    }
    return parse(response.body(), builder).build();
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the Cairn node at " + node + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + node, e);
    }
  }

  private static CairnApiException failure(int status, String body) {
    try {
      ApiError error = (ApiError) parse(body, ApiError.newBuilder()).build();
      if (!error.getError().isEmpty()) {
        return new CairnApiException(status, error.getError(), error.getMessage());
      }
    } catch (IllegalStateException notAnApiError) {
      // fall through: a proxy or another server answered
    }
    return new CairnApiException(status, "HTTP_" + status, body);
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
