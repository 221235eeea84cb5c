package io.cairn.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.AgentTasks;
import io.cairn.protocol.api.v1.ApiError;
import io.cairn.protocol.api.v1.Challenge;
import io.cairn.protocol.api.v1.ChallengeAnswerSubmission;
import io.cairn.protocol.api.v1.ChallengeRequest;
import io.cairn.protocol.api.v1.ChallengeVerdictView;
import io.cairn.protocol.api.v1.CoreInfo;
import io.cairn.protocol.api.v1.CreateStreamRequest;
import io.cairn.protocol.api.v1.CustodianDescription;
import io.cairn.protocol.api.v1.Health;
import io.cairn.protocol.api.v1.NodeInfo;
import io.cairn.protocol.api.v1.PermissionRequest;
import io.cairn.protocol.api.v1.PersistorMode;
import io.cairn.protocol.api.v1.PersistorSettings;
import io.cairn.protocol.api.v1.PersistorStatus;
import io.cairn.protocol.api.v1.PinJobList;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.api.v1.PinReplicaView;
import io.cairn.protocol.api.v1.PinRequest;
import io.cairn.protocol.api.v1.ProviderRegistration;
import io.cairn.protocol.api.v1.ProviderView;
import io.cairn.protocol.api.v1.PublishAck;
import io.cairn.protocol.api.v1.Request;
import io.cairn.protocol.api.v1.Resend;
import io.cairn.protocol.api.v1.ResendOptions;
import io.cairn.protocol.api.v1.ServiceGradeView;
import io.cairn.protocol.api.v1.ServiceReport;
import io.cairn.protocol.api.v1.Session;
import io.cairn.protocol.api.v1.SessionRequest;
import io.cairn.protocol.api.v1.StreamDescription;
import io.cairn.protocol.api.v1.StreamList;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.api.v1.Subscribe;
import io.cairn.protocol.api.v1.UpdateStreamRequest;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PersonalMessage;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
    Challenge challenge =
        post(
            "/api/v1/auth/challenge",
            ChallengeRequest.newBuilder().setAddress(signer.address().value()).build(),
            Challenge.newBuilder());
    byte[] digest =
        PersonalMessage.digest(challenge.getChallenge().getBytes(StandardCharsets.UTF_8));
    Session opened =
        post(
            "/api/v1/auth/session",
            SessionRequest.newBuilder()
                .setChallenge(challenge.getChallenge())
                .setSignature("0x" + HexFormat.of().formatHex(signer.sign(digest).encode()))
                .build(),
            Session.newBuilder());
    return new CairnClient(node, timeout, http, Optional.of(opened.getToken()));
  }

  public StreamDescription createStream(String streamId, String description, int partitions) {
    return post(
        "/api/v1/streams",
        CreateStreamRequest.newBuilder()
            .setId(streamId)
            .setDescription(description)
            .setPartitions(partitions)
            .build(),
        StreamDescription.newBuilder());
  }

  public StreamDescription stream(String streamId) {
    return get(streamPath(streamId), StreamDescription.newBuilder());
  }

  /** Changes the description and the number of partitions (never fewer); needs edit. */
  public StreamDescription updateStream(String streamId, String description, int partitions) {
    return send(
        "PUT",
        streamPath(streamId),
        UpdateStreamRequest.newBuilder()
            .setDescription(description)
            .setPartitions(partitions)
            .build(),
        StreamDescription.newBuilder());
  }

  /** Deletes the stream; needs delete. Its id is never used again. */
  public StreamDescription deleteStream(String streamId) {
    return send("DELETE", streamPath(streamId), null, StreamDescription.newBuilder());
  }

  /**
   * Streams of {@code owner}, or whose id or description holds {@code text}, or both (a null leaves
   * that condition out); at most {@code max}.
   */
  public StreamList searchStreams(EthereumAddress owner, String text, int max) {
    StringBuilder query = new StringBuilder("/api/v1/streams?max=").append(max);
    if (owner != null) {
      query.append("&owner=").append(owner.value());
    }
    if (text != null) {
      query.append("&search=").append(URLEncoder.encode(text, StandardCharsets.UTF_8));
    }
    return get(query.toString(), StreamList.newBuilder());
  }

  /** The session token of an {@link #authenticate authenticated} client, for other HTTP tools. */
  public String sessionToken() {
    return session.orElseThrow(
        () -> new IllegalStateException("this client has no session: authenticate first"));
  }

  /**
   * Grants {@code permission} (publish, subscribe, edit, delete, grant) to an address, or to
   * everyone if null.
   */
  public StreamDescription grant(String streamId, EthereumAddress grantee, String permission) {
    PermissionRequest.Builder request = PermissionRequest.newBuilder().setPermission(permission);
    if (grantee == null) {
      request.setPublic(true);
    } else {
      request.setAddress(grantee.value());
    }
    return post(
        streamPath(streamId) + "/permissions", request.build(), StreamDescription.newBuilder());
  }

  /**
   * Revokes {@code permission} from an address, or from everyone if null. Revoking {@code
   * subscribe} from a stream with a key custodian makes it rotate the group key; the answer's
   * {@code getKeyRotation()} is {@code "done"} once the current key was made after the revocation,
   * or {@code "pending"} while the cluster is still rotating it (it retries until it is done).
   */
  public StreamDescription revoke(String streamId, EthereumAddress grantee, String permission) {
    String who = grantee == null ? "public" : grantee.value();
    return send(
        "DELETE",
        streamPath(streamId) + "/permissions/" + who + "/" + permission,
        null,
        StreamDescription.newBuilder());
  }

  // ---- storage providers ----

  /**
   * Registers the session's address as a storage provider with these terms, or changes them; {@code
   * INVALID_PROVIDER} for terms it cannot take, {@code PROVIDER_EXITED} after an exit.
   */
  public ProviderView registerProvider(ProviderRegistration registration) {
    return send("PUT", "/api/v1/provider", registration, ProviderView.newBuilder());
  }

  /** The session's own provider; {@code PROVIDER_NOT_FOUND} before it registers. */
  public ProviderView ownProvider() {
    return get("/api/v1/provider", ProviderView.newBuilder());
  }

  /** The session's provider leaves for good. */
  public ProviderView exitProvider() {
    return send("DELETE", "/api/v1/provider", null, ProviderView.newBuilder());
  }

  /** A provider as registered; {@code PROVIDER_NOT_FOUND} for an address that never did. */
  public ProviderView provider(EthereumAddress address) {
    return get("/api/v1/providers/" + address.value(), ProviderView.newBuilder());
  }

  // ---- pinning jobs ----

  /**
   * Asks the cluster to keep a core on {@code replicas} hosters for {@code days} days, as the
   * session's address. {@code requestId} (1 to 64 of {@code A-Z a-z 0-9 . _ : -}) names the
   * request: sending it again with the same terms answers the same job, with other terms is {@code
   * PIN_REQUEST_CONFLICT}. {@code CORE_NOT_FOUND} for a core the cluster does not hold, {@code
   * INVALID_PIN_REQUEST} for replicas or days out of range.
   */
  public PinJobView requestPin(String coreKey, int replicas, int days, String requestId) {
    return send(
        "POST",
        "/api/v1/pins",
        PinRequest.newBuilder()
            .setCoreKey(coreKey)
            .setReplicas(replicas)
            .setDays(days)
            .setRequestId(requestId)
            .build(),
        PinJobView.newBuilder());
  }

  /** A job as it stands; {@code PIN_JOB_NOT_FOUND} for an id no request made. */
  public PinJobView pin(String jobId) {
    return get("/api/v1/pins/" + jobId, PinJobView.newBuilder());
  }

  /**
   * The session's jobs, the newest first. The list trails new requests by about a second; each
   * job's state is current.
   */
  public List<PinJobView> pins() {
    return this.<PinJobList>get("/api/v1/pins", PinJobList.newBuilder()).getJobsList();
  }

  /** Ends the session's job early; an ended job is answered as it is. */
  public PinJobView cancelPin(String jobId) {
    return send("DELETE", "/api/v1/pins/" + jobId, null, PinJobView.newBuilder());
  }

  // ---- pinning agents ----

  /**
   * What the session's agent has to do now: replicas to seal (as hoster or as witness) and the open
   * challenges to the replicas it hosts.
   */
  public AgentTasks agentTasks() {
    return get("/api/v1/agent/tasks", AgentTasks.newBuilder());
  }

  /**
   * Submits the hoster's or the witness's signed {@code ReplicaCommitment} for a replica of a job;
   * answers the replica as it stands (ACTIVE once hoster and witness agree). {@code
   * INVALID_COMMITMENT} for a statement that is malformed, signed by neither, or for another
   * replica id.
   */
  public PinReplicaView submitCommitment(String jobId, int slot, SignedPinningStatement signed) {
    return send(
        "POST",
        "/api/v1/pins/" + jobId + "/replicas/" + slot + "/commitment",
        signed,
        PinReplicaView.newBuilder());
  }

  /**
   * Reports a service check the signed-in attester made of the replica in {@code slot} of the job;
   * answers the hoster's grade. {@code INVALID_SERVICE_REPORT} for a report the cluster finds made
   * up, {@code NOT_CHECK_ATTESTER} from another provider than the check's attester, {@code
   * CHECK_CLOSED} after its deadline.
   */
  public ServiceGradeView submitServiceReport(String jobId, int slot, ServiceReport report) {
    return send(
        "POST",
        "/api/v1/pins/" + jobId + "/replicas/" + slot + "/service-report",
        report,
        ServiceGradeView.newBuilder());
  }

  /**
   * Answers an open storage challenge. {@code INVALID_CHALLENGE_ANSWER} for an answer to another
   * challenge, malformed or signed by another key; {@code CHALLENGE_CLOSED} after its deadline. An
   * answer that opens wrong bytes is judged, not refused: the verdict says FAILED and the replica
   * is FAULTY.
   */
  public ChallengeVerdictView answerChallenge(
      String jobId, String challengeId, ChallengeAnswerSubmission submission) {
    return send(
        "POST",
        "/api/v1/pins/" + jobId + "/challenges/" + challengeId,
        submission,
        ChallengeVerdictView.newBuilder());
  }

  // ---- key custodian ----

  /**
   * Appoints the stream's key custodian (the owner only; again, harmlessly): its first group key is
   * made.
   */
  public CustodianDescription appointCustodian(String streamId) {
    return send(
        "PUT", streamPath(streamId) + "/custodian", null, CustodianDescription.newBuilder());
  }

  /**
   * The stream's current group key id and the address that signs the custodian's key responses;
   * {@code CUSTODIAN_NOT_FOUND} when it has none. A publisher polls it to notice a rotation.
   */
  public CustodianDescription custodian(String streamId) {
    return get(streamPath(streamId) + "/custodian", CustodianDescription.newBuilder());
  }

  /** Makes a new current group key (the owner only); old ones stay with the custodian. */
  public CustodianDescription rotateGroupKey(String streamId) {
    return send(
        "POST",
        streamPath(streamId) + "/custodian/rotate",
        null,
        CustodianDescription.newBuilder());
  }

  /**
   * Sends a signed group key request (see {@link GroupKeyExchange}) to the stream's custodian and
   * returns its signed response, unchecked. No session is needed.
   */
  public StreamMessage requestKeys(String streamId, StreamMessage request) {
    return post(streamPath(streamId) + "/keys", request, StreamMessage.newBuilder());
  }

  /**
   * Publishes an event signed elsewhere (see {@link EventPublisher}); answered once it is stored.
   */
  public PublishAck publish(StreamMessage event) {
    return post(
        streamPath(event.getMessageId().getStreamId()) + "/messages",
        event,
        PublishAck.newBuilder());
  }

  /**
   * Publishes an event whose partition {@code partitionKey} picked ({@link
   * io.cairn.protocol.stream.PartitionKeys}); the node refuses it, {@code PARTITION_KEY_MISMATCH},
   * when the key maps to another partition of the stream.
   */
  public PublishAck publish(StreamMessage event, String partitionKey) {
    // URLEncoder writes a space as '+', which a query may also read as a plus sign
    String key = URLEncoder.encode(partitionKey, StandardCharsets.UTF_8).replace("+", "%20");
    return post(
        streamPath(event.getMessageId().getStreamId()) + "/messages?partitionKey=" + key,
        event,
        PublishAck.newBuilder());
  }

  /**
   * Stored events of a partition, as published: {@code query} is "last?count=10",
   * "from?fromTimestamp=...", ...
   */
  public List<StreamMessage> storedEvents(String streamId, int partition, String query) {
    String separator = query.contains("?") ? "&" : "?";
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                node.resolve(
                    streamPath(streamId)
                        + "/data/partitions/"
                        + partition
                        + "/"
                        + query
                        + separator
                        + "format=raw"))
            .timeout(timeout)
            .GET();
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

  // ---- subscriptions, over the WebSocket API ----

  /**
   * How a subscription comes back after its connection is lost: the first pause before connecting
   * again, the longest (each failed try doubles it), and where to tell of it (a line per loss and
   * per resumption).
   */
  public record Resubscribe(Duration firstPause, Duration maxPause, Consumer<String> notices) {
    /** From 200 ms up to 10 s, told to nobody. */
    public static Resubscribe defaults() {
      return new Resubscribe(Duration.ofMillis(200), Duration.ofSeconds(10), notice -> {});
    }

    /** The same pauses, each loss and resumption told to {@code notices}. */
    public Resubscribe toldTo(Consumer<String> notices) {
      return new Resubscribe(firstPause, maxPause, notices);
    }
  }

  /**
   * Live events of a stream partition from now on; see {@link #subscribe(String, int,
   * ResendOptions)}.
   */
  public Flow.Publisher<StreamMessage> subscribe(String streamId, int partition) {
    return subscribe(streamId, partition, ResendOptions.getDefaultInstance());
  }

  /**
   * Events of a stream partition: the stored ones {@code history} names (the last N, from a
   * position, or a range; none when it is empty), then live ones, none missed and none twice. Each
   * subscriber gets a WebSocket of its own, authenticated with this client's session if it has one,
   * and receives what it requests, the socket being read only a little ahead of that. {@code
   * onSubscribe} comes once the node has the subscription in place, so every event published after
   * it arrives. A lost connection is taken up again by itself, as {@link Resubscribe#defaults()}
   * says, resuming after the last event delivered; a refusal reaches {@code onError} as a {@link
   * CairnApiException} with the node's code; cancelling ends the subscription.
   */
  public Flow.Publisher<StreamMessage> subscribe(
      String streamId, int partition, ResendOptions history) {
    return subscribe(streamId, partition, history, Resubscribe.defaults());
  }

  /** {@link #subscribe(String, int, ResendOptions)}, resubscribing as {@code resubscribe} says. */
  public Flow.Publisher<StreamMessage> subscribe(
      String streamId, int partition, ResendOptions history, Resubscribe resubscribe) {
    Subscribe subscribe =
        Subscribe.newBuilder()
            .setStreamId(streamId)
            .setPartition(partition)
            .setResend(history)
            .build();
    return subscriber ->
        ResumingSubscription.start(
            subscriber,
            subscribe,
            resubscribe,
            (request, connection, positions) -> openSocket(request, false, connection, positions));
  }

  /** One request's subscription on a WebSocket of its own to this client's node. */
  private SocketSubscription openSocket(
      Request request,
      boolean endsWithResendDone,
      Flow.Subscriber<StreamMessage> subscriber,
      SocketSubscription.Positions positions) {
    return SocketSubscription.open(
        http,
        webSocketEndpoint(),
        timeout,
        session,
        request,
        endsWithResendDone,
        subscriber,
        positions);
  }

  /**
   * {@link #subscribe(String, int, ResendOptions)} with callbacks: returns once the node has
   * answered, with the subscription to cancel. Events go to {@code onEvent} one at a time as fast
   * as it takes them; a refusal or a later failure goes to {@code onError}, which ends it.
   */
  public Flow.Subscription subscribe(
      String streamId,
      int partition,
      ResendOptions history,
      Consumer<StreamMessage> onEvent,
      Consumer<RuntimeException> onError) {
    CountDownLatch answered = new CountDownLatch(1);
    AtomicReference<Flow.Subscription> live = new AtomicReference<>();
    subscribe(streamId, partition, history)
        .subscribe(
            new Flow.Subscriber<StreamMessage>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                live.set(subscription);
                subscription.request(Long.MAX_VALUE);
                answered.countDown();
              }

              @Override
              public void onNext(StreamMessage event) {
                onEvent.accept(event);
              }

              @Override
              public void onError(Throwable failure) {
                onError.accept(
                    failure instanceof RuntimeException runtime
                        ? runtime
                        : new IllegalStateException(failure));
              }

              @Override
              public void onComplete() {
                // a live subscription ends only by cancel or error
              }
            });
    try {
      if (!answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Optional.ofNullable(live.get()).ifPresent(Flow.Subscription::cancel);
        throw new UncheckedIOException(
            "the Cairn node at "
                + node
                + " did not answer the subscription to "
                + streamId
                + "#"
                + partition
                + " within "
                + timeout,
            new IOException("no answer"));
      }
      return live.get();
    } catch (InterruptedException e) {
      Optional.ofNullable(live.get()).ifPresent(Flow.Subscription::cancel);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while subscribing at " + node, e);
    }
  }

  /**
   * The stored events {@code options} names (the last N, from a position, or a range), read over a
   * WebSocket up to the node's {@code resendDone}; the node may take this client's timeout for each
   * next answer.
   */
  public List<StreamMessage> resend(String streamId, int partition, ResendOptions options) {
    Object done = new Object();
    BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    Request request =
        Request.newBuilder()
            .setResend(
                Resend.newBuilder()
                    .setStreamId(streamId)
                    .setPartition(partition)
                    .setOptions(options))
            .build();
    SocketSubscription resend =
        openSocket(
            request,
            true,
            new Flow.Subscriber<StreamMessage>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(StreamMessage event) {
                arrivals.add(event);
              }

              @Override
              public void onError(Throwable failure) {
                arrivals.add(failure);
              }

              @Override
              public void onComplete() {
                arrivals.add(done);
              }
            },
            SocketSubscription.Positions.IGNORED);
    List<StreamMessage> events = new ArrayList<>();
    try {
      while (true) {
        Object next = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (next == done) {
          return events;
        }
        if (next == null) {
          throw new UncheckedIOException(
              "the Cairn node at "
                  + node
                  + " sent nothing for "
                  + timeout
                  + " while resending "
                  + streamId
                  + "#"
                  + partition,
              new IOException("resend stalled"));
        }
        if (next instanceof RuntimeException failure) {
          throw failure;
        }
        events.add((StreamMessage) next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while resending from " + node, e);
    } finally {
      resend.cancel();
    }
  }

  /**
   * A producer publishing as {@code signer} over a WebSocket of its own, pipelined and batched;
   * close it to send what waits and release the connection.
   */
  public Producer producer(EvmSigner signer, Producer.Settings settings) {
    return Producer.open(http, webSocketEndpoint(), timeout, signer, settings);
  }

  private URI webSocketEndpoint() {
    return URI.create(
        (node.getScheme().equals("https") ? "wss" : "ws")
            + "://"
            + node.getRawAuthority()
            + "/api/v1/ws");
  }

  private static String streamPath(String streamId) {
    // one path segment: its slashes, spaces and every other character percent-encoded (a '+' in
    // a path is a plus, so URLEncoder's form-encoded spaces are written %20)
    return "/api/v1/streams/"
        + URLEncoder.encode(streamId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- persistors ----

  /** The stream's persistor: mode, interval, count, root and the latest signed checkpoint. */
  public PersistorStatus persistor(String streamId) {
    return get(streamPath(streamId) + "/persistor", PersistorStatus.newBuilder());
  }

  /**
   * Sets a stream up to be persisted, in one call (its owner only): the cluster's service address
   * may publish on it (the persistor signs its checkpoints with it), a key custodian holds its
   * group keys, and the persistor is appointed with {@code mode} and {@code interval} (null: the
   * node's). A step already in place is left as it is, so running it again is harmless; each step
   * taken is told to {@code steps}.
   */
  public PersistorStatus setUpPersistence(
      String streamId, PersistorMode mode, Duration interval, Consumer<String> steps) {
    return setUpPersistence(streamId, settings(mode, interval), steps);
  }

  /**
   * {@link #setUpPersistence(String, PersistorMode, Duration, Consumer)} with every setting, among
   * them {@code whileLicensed}: follow the stream only while a licence on it is active.
   */
  public PersistorStatus setUpPersistence(
      String streamId, PersistorSettings settings, Consumer<String> steps) {
    EthereumAddress service = EthereumAddress.parse(nodeInfo().getServiceAddress());
    boolean serviceMayPublish =
        stream(streamId).getPermissionsList().stream()
            .anyMatch(
                holder ->
                    holder.getAddress().equalsIgnoreCase(service.value())
                        && holder.getPermissionsList().contains("publish"));
    if (!serviceMayPublish) {
      grant(streamId, service, "publish");
      steps.accept(
          "granted publish to the cluster's service address "
              + service.value()
              + ", which signs the checkpoints");
    }
    if (!hasCustodian(streamId)) {
      appointCustodian(streamId);
      steps.accept("appointed the key custodian, which holds the stream's group keys");
    }
    PersistorStatus status = appointPersistor(streamId, settings);
    steps.accept(
        "appointed the persistor ("
            + settings.getMode().name().toLowerCase(Locale.ROOT)
            + (settings.getWhileLicensed() ? ", while a licence is active" : "")
            + ")");
    return status;
  }

  private boolean hasCustodian(String streamId) {
    try {
      custodian(streamId);
      return true;
    } catch (CairnApiException refused) {
      if (refused.code().equals("CUSTODIAN_NOT_FOUND")) {
        return false;
      }
      throw refused;
    }
  }

  /**
   * Appoints the stream's persistor or changes its mode and interval (null: the node's default);
   * only the stream's owner may. The owner also grants the status's {@code serviceAddress} {@code
   * publish}, or no checkpoint is accepted.
   */
  public PersistorStatus appointPersistor(String streamId, PersistorMode mode, Duration interval) {
    return appointPersistor(streamId, settings(mode, interval));
  }

  /**
   * Appoints the stream's persistor with every setting (its owner only), among them {@code
   * whileLicensed}: it follows the stream only while at least one licence on it is active, and
   * catches up when the next one is bought.
   */
  public PersistorStatus appointPersistor(String streamId, PersistorSettings settings) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.resolve(streamPath(streamId) + "/persistor"))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("Content-Type", PROTOBUF)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(settings.toByteArray()));
    session.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return (PersistorStatus)
        answer(
            send(request.build(), HttpResponse.BodyHandlers.ofString()),
            PersistorStatus.newBuilder());
  }

  private static PersistorSettings settings(PersistorMode mode, Duration interval) {
    return PersistorSettings.newBuilder()
        .setMode(mode)
        .setIntervalMillis(interval == null ? 0 : interval.toMillis())
        .build();
  }

  /**
   * The persistor's pairs [from, to) (to null: up to its count) as the node streams them: the body,
   * not yet read, of length-delimited {@code PairPage}s. Close it when done; {@link PairCatchUp}
   * reads and checks it.
   */
  public InputStream pairPages(String streamId, long from, Long to) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                node.resolve(
                    streamPath(streamId) + "/pairs?from=" + from + (to == null ? "" : "&to=" + to)))
            .header("Accept", PROTOBUF)
            .GET();
    session.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    HttpResponse<InputStream> response =
        send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() / 100 != 2) {
      try (InputStream body = response.body()) {
        throw failure(
            response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the node's answer: " + e.getMessage(), e);
      }
    }
    return response.body();
  }

  // ---- the ledger ----

  /** The embedded ledger through this node, for reading: accounts, products, licences, jobs. */
  public LedgerClient ledger() {
    return new LedgerClient(this, Optional.empty());
  }

  /**
   * The embedded ledger through this node, signing requests with {@code signer}: transfers,
   * products, purchases, deposits. No session is needed: each request carries its signature.
   */
  public LedgerClient ledger(EvmSigner signer) {
    return new LedgerClient(this, Optional.of(signer));
  }

  // ---- cores ----

  /** Registers a core with the node (again, harmlessly, if it already is) and answers its info. */
  public CoreInfo registerCore(CoreDescriptor descriptor) {
    return coreInfo("POST", "/api/v1/cores", ProofProtos.toProto(descriptor));
  }

  public CoreInfo appendBatch(byte[] key, SignedBatch batch) {
    return coreInfo("POST", corePath(key) + "/batches", ProofProtos.toProto(batch));
  }

  public CoreInfo coreInfo(byte[] key) {
    return coreInfo("GET", corePath(key), null);
  }

  /**
   * A core's info, asked for as protobuf: in JSON the node writes it for people to read, keys and
   * hashes in hex.
   */
  private CoreInfo coreInfo(String method, String path, Message body) {
    HttpResponse<byte[]> response =
        send(request(method, path, body, PROTOBUF), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    try {
      return CoreInfo.parseFrom(response.body());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the node sent a malformed CoreInfo: " + e.getMessage(), e);
    }
  }

  /**
   * Block {@code index} with the proof that upgrades a reader from {@code trustedLength}. Fetched
   * raw, the proof travelling in a header; nothing here is verified ({@link CoreReader} does that).
   */
  public Proof block(byte[] key, long index, long trustedLength) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                node.resolve(
                    corePath(key)
                        + "/blocks/"
                        + index
                        + "?format=raw&trustedLength="
                        + trustedLength))
            .timeout(timeout)
            .GET();
    // a core a product sells is read with the session of a licence holder
    session.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    HttpResponse<byte[]> response = send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    String header =
        response
            .headers()
            .firstValue(PROOF_HEADER)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the node sent block "
                            + index
                            + " without its "
                            + PROOF_HEADER
                            + " header"));
    try {
      Proof proof =
          ProofProtos.fromProto(
              io.cairn.protocol.api.v1.Proof.parseFrom(Base64.getDecoder().decode(header)));
      return new Proof(
          proof.fork(),
          new Proof.Block(index, response.body(), proof.block().nodes()),
          proof.upgrade());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "the node sent a malformed proof for block " + index + ": " + e.getMessage(), e);
    }
  }

  public RangeProof range(byte[] key, long start, long end) {
    return ProofProtos.fromProto(
        (io.cairn.protocol.api.v1.RangeProof)
            get(
                corePath(key) + "/blocks?start=" + start + "&end=" + end,
                io.cairn.protocol.api.v1.RangeProof.newBuilder()));
  }

  public Proof upgrade(byte[] key, long from, long to) {
    return ProofProtos.fromProto(
        (io.cairn.protocol.api.v1.Proof)
            get(
                corePath(key) + "/upgrade?from=" + from + "&to=" + to,
                io.cairn.protocol.api.v1.Proof.newBuilder()));
  }

  private static String corePath(byte[] key) {
    return "/api/v1/cores/" + HexFormat.of().formatHex(key);
  }

  // ---- plumbing ----

  @SuppressWarnings("unchecked")
  <T extends Message> T get(String path, Message.Builder builder) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.resolve(path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET();
    session.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return (T) answer(send(request.build(), HttpResponse.BodyHandlers.ofString()), builder);
  }

  <T extends Message> T post(String path, Message body, Message.Builder builder) {
    return send("POST", path, body, builder);
  }

  /**
   * Requests go as binary protobuf, or without a body when it is null; answers come back in the
   * JSON mapping.
   */
  @SuppressWarnings("unchecked")
  private <T extends Message> T send(
      String method, String path, Message body, Message.Builder builder) {
    return (T)
        answer(
            send(
                request(method, path, body, "application/json"),
                HttpResponse.BodyHandlers.ofString()),
            builder);
  }

  /**
   * A request with {@code body} as binary protobuf (none when null), answered as {@code accept}.
   */
  private HttpRequest request(String method, String path, Message body, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.resolve(path)).timeout(timeout).header("Accept", accept);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", PROTOBUF)
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }
    session.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return request.build();
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
      throw unreachable(node, e, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + node, e);
    }
  }

  /** Why a request got no answer, in words a person starting out can act on. */
  private static String why(Throwable e, Duration timeout) {
    if (e instanceof ConnectException) {
      return "connection refused — is it running? start one with ./cairn node";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + timeout.toSeconds() + " s";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * The failure to reach {@code node}, for HTTP requests and WebSockets alike: {@code cause} as the
   * connection reported it (a {@code CompletionException} unwrapped), said so that a person
   * starting out can act on it.
   */
  static UncheckedIOException unreachable(URI node, Throwable cause, Duration timeout) {
    Throwable why =
        cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    return new UncheckedIOException(
        "cannot reach the Cairn node at " + node + ": " + why(why, timeout),
        why instanceof IOException io ? io : new IOException(why));
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
      throw new IllegalStateException(
          "the node answered with malformed JSON: " + e.getMessage(), e);
    }
  }
}
