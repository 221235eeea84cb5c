package io.cairn.agent;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cairn.client.CairnClient;
import io.cairn.protocol.api.v1.AgentTasks;
import io.cairn.protocol.api.v1.ApiError;
import io.cairn.protocol.api.v1.Challenge;
import io.cairn.protocol.api.v1.ChallengeAnswerSubmission;
import io.cairn.protocol.api.v1.ChallengeTask;
import io.cairn.protocol.api.v1.ChallengeVerdictView;
import io.cairn.protocol.api.v1.CoreInfo;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.api.v1.ProviderRegistration;
import io.cairn.protocol.api.v1.ProviderView;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.api.v1.Session;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofBuilder;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.ProofRequest;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.StorageAnswerCodec;
import io.cairn.protocol.pinning.StorageProofs;
import io.cairn.protocol.pinning.StorageVerdict;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of a node's public API for an agent, over real HTTP: sign-in, registration, one core
 * written in memory (info, upgrade and raw blocks, as the node answers them), the agent's tasks as
 * a test sets them, and the commitments and challenge answers it receives, the answers judged with
 * {@link StorageProofs#verify} as the cluster judges them.
 */
final class FakeNode implements AutoCloseable {
  private static final Pattern COMMITMENT =
      Pattern.compile("/api/v1/pins/([^/]+)/replicas/([0-9]+)/commitment");
  private static final Pattern ANSWER = Pattern.compile("/api/v1/pins/([^/]+)/challenges/([^/]+)");
  private static final Pattern CORE = Pattern.compile("/api/v1/cores/([0-9a-f]{64})(/.*)?");

  record Commitment(String jobId, int slot, SignedPinningStatement signed) {}

  record Verdict(ChallengeTask challenge, ChallengeVerdictView verdict) {}

  private final HttpServer server;
  private final CoreWriter core;
  final List<SealTask> seals = new CopyOnWriteArrayList<>();
  final Map<String, ChallengeTask> challenges = new ConcurrentHashMap<>();
  final List<Commitment> commitments = new CopyOnWriteArrayList<>();
  final List<Verdict> verdicts = new CopyOnWriteArrayList<>();
  final AtomicInteger blocksServed = new AtomicInteger();
  final List<ProviderRegistration> registrations = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> nodeCounts = new ConcurrentHashMap<>();

  FakeNode(CoreWriter core) throws IOException {
    this.core = core;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      route(exchange);
    } catch (RuntimeException | IOException | Error failed) {
      failed.printStackTrace();
      throw failed;
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      Matcher m;
      if (path.equals("/api/v1/auth/challenge")) {
        json(exchange, Challenge.newBuilder().setChallenge("sign me").build());
      } else if (path.equals("/api/v1/auth/session")) {
        json(exchange, Session.newBuilder().setToken("token").build());
      } else if (path.equals("/api/v1/provider")) {
        registrations.add(ProviderRegistration.parseFrom(body));
        json(exchange, ProviderView.newBuilder().setAddress("0x" + "00".repeat(20)).build());
      } else if (path.equals("/api/v1/agent/tasks")) {
        json(
            exchange,
            AgentTasks.newBuilder()
                .addAllSeals(seals)
                .addAllChallenges(challenges.values())
                .build());
      } else if ((m = COMMITMENT.matcher(path)).matches()) {
        SignedPinningStatement signed = SignedPinningStatement.parseFrom(body);
        PinningStatements.Commitment commitment =
            PinningStatements.openCommitment(signed, AddressRecoveries.bouncyCastle()).commitment();
        nodeCounts.put("0x" + hex(commitment.replicaId()), (int) commitment.nodeCount());
        commitments.add(new Commitment(m.group(1), Integer.parseInt(m.group(2)), signed));
        json(exchange, PinReplicaView.newBuilder().setState("SEALING").build());
      } else if ((m = ANSWER.matcher(path)).matches()) {
        ChallengeTask challenge = challenges.remove(m.group(2));
        if (challenge == null) {
          error(exchange, 409, "CHALLENGE_CLOSED", "no such open challenge");
          return;
        }
        ChallengeVerdictView verdict = judge(challenge, ChallengeAnswerSubmission.parseFrom(body));
        verdicts.add(new Verdict(challenge, verdict));
        json(exchange, verdict);
      } else if ((m = CORE.matcher(path)).matches()) {
        core(exchange, m.group(2) == null ? "" : m.group(2));
      } else {
        error(exchange, 404, "NOT_FOUND", path);
      }
    }
  }

  private ChallengeVerdictView judge(
      ChallengeTask challenge, ChallengeAnswerSubmission submission) {
    byte[] root = SealAssignment.hex32("root", challenge.getRoot());
    PinningStatements.answerSigner(
        submission.getStatement(),
        SealAssignment.hex32("challenge_id", challenge.getChallengeId()),
        root,
        submission.getAnswer(),
        AddressRecoveries.bouncyCastle());
    int[] indices = challenge.getIndicesList().stream().mapToInt(Long::intValue).toArray();
    StorageVerdict verdict =
        StorageProofs.verify(
            root,
            nodeCounts.get(challenge.getReplicaId()),
            indices,
            StorageAnswerCodec.fromProto(submission.getAnswer()));
    ChallengeVerdictView.Builder view =
        ChallengeVerdictView.newBuilder().setChallengeId(challenge.getChallengeId());
    if (verdict instanceof StorageVerdict.Invalid invalid) {
      return view.setVerdict("FAILED")
          .setReason(invalid.reason() + ": " + invalid.detail())
          .build();
    }
    return view.setVerdict("PASSED").build();
  }

  private void core(HttpExchange exchange, String rest) throws IOException {
    var head = core.head();
    Map<String, String> query = query(exchange.getRequestURI().getQuery());
    if (rest.isEmpty()) {
      byte[] info =
          CoreInfo.newBuilder()
              .setRegistration(ProofProtos.toProto(CoreDescriptor.of(core.identity())))
              .setLength(head.length())
              .build()
              .toByteArray();
      send(exchange, 200, "application/x-protobuf", info);
    } else if (rest.equals("/upgrade")) {
      long from = Long.parseLong(query.get("from"));
      long to = Long.parseLong(query.get("to"));
      Proof proof =
          new ProofBuilder(core.store()).build(head, ProofRequest.upgrade(from, to - from), null);
      json(exchange, ProofProtos.toProto(proof));
    } else if (rest.startsWith("/blocks/")) {
      int index = Integer.parseInt(rest.substring("/blocks/".length()));
      long trusted = Long.parseLong(query.getOrDefault("trustedLength", "0"));
      byte[] value = values.get(index);
      ProofRequest request =
          trusted < head.length()
              ? ProofRequest.blockAndUpgrade(index, trusted, head.length() - trusted)
              : ProofRequest.block(index, 0);
      Proof proof = new ProofBuilder(core.store()).build(head, request, value);
      blocksServed.incrementAndGet();
      exchange
          .getResponseHeaders()
          .set(
              CairnClient.PROOF_HEADER,
              Base64.getEncoder().encodeToString(SectorFetcher.withoutValue(proof)));
      send(exchange, 200, "application/octet-stream", value);
    } else {
      error(exchange, 404, "NOT_FOUND", rest);
    }
  }

  private final Map<Integer, byte[]> values = new ConcurrentHashMap<>();

  /** Values of the core's blocks, as the test appended them. */
  void blocks(List<byte[]> blocks) {
    for (int i = 0; i < blocks.size(); i++) {
      values.put(i, blocks.get(i));
    }
  }

  private static Map<String, String> query(String query) {
    Map<String, String> parameters = new java.util.HashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        String[] parts = pair.split("=", 2);
        parameters.put(parts[0], parts.length > 1 ? parts[1] : "");
      }
    }
    return parameters;
  }

  private static void json(HttpExchange exchange, Message message) throws IOException {
    send(
        exchange,
        200,
        "application/json",
        JsonFormat.printer().print(message).getBytes(StandardCharsets.UTF_8));
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    send(
        exchange,
        status,
        "application/json",
        JsonFormat.printer()
            .print(ApiError.newBuilder().setError(code).setMessage(message))
            .getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
