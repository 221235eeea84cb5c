package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.ledger.AdjustableClock;
import io.cairn.pinning.PinningJob.Job;
import io.cairn.pinning.PinningJob.Status;
import io.cairn.pinning.PinningJob.Terms;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The PinningJob entity on its own, every command, event and reply through {@link
 * PinningSerializer} (the test kit serializes each), its recovery, and its durable end.
 */
class PinningJobTest {
  private static final PinningSettings SETTINGS = PinningSettings.fromConfig(ConfigFactory.load());
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final Terms TERMS = new Terms("ab".repeat(32), 3, 30);
  private static final String REQUEST_ID = "2f1c9a70-request";

  private final AdjustableClock clock = new AdjustableClock();
  private final EthereumAddress supporter = PrivateKeySigner.generate().address();
  private final Bytes32 jobId = PinRequests.jobId(supporter, REQUEST_ID);
  private final EventSourcedBehaviorTestKit<PinningJob.Command, PinningJob.Event, PinningJob.State>
      job =
          EventSourcedBehaviorTestKit.create(
              testKit.system(),
              PinningJob.create(
                  jobId,
                  SETTINGS,
                  clock,
                  testKit.<PinningSupervisor.Command>createTestProbe().ref(),
                  key -> new CompletableFuture<>(),
                  Optional.empty()),
              // the entity takes no snapshots: its state is never serialized
              EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void theJobIdIsTheSupportersAndTheRequestIdsAlone() {
    assertEquals(jobId, PinRequests.jobId(supporter, REQUEST_ID));
    assertNotEquals(jobId, PinRequests.jobId(supporter, REQUEST_ID + "2"));
    assertNotEquals(jobId, PinRequests.jobId(PrivateKeySigner.generate().address(), REQUEST_ID));
  }

  @Test
  void aRequestSentAgainGetsTheSameJobAndOtherTermsAreAConflict() {
    PinningJob.RequestAnswer first = answer(request(TERMS));
    assertTrue(first.created());
    Job requested = first.job();
    assertEquals(jobId, requested.jobId());
    assertEquals(Status.REQUESTED, requested.status());
    assertEquals(List.of(), requested.replicas(), "no hoster is selected yet");
    assertEquals(requested.requestedAt().plus(Duration.ofDays(30)), requested.endsAt());
    assertEquals(Optional.empty(), requested.endedAt());

    clock.advance(Duration.ofMinutes(5));
    assertEquals(
        new PinningJob.RequestAnswer(requested, false),
        answer(request(TERMS)),
        "a retry changes nothing");
    Rejection conflict = refusal(request(new Terms(TERMS.coreKey(), 4, 30)));
    assertEquals(ErrorCode.PIN_REQUEST_CONFLICT, conflict.code());
    assertEquals(requested, job.restart().state().job().orElseThrow(), "recovered as it was");
    assertEquals(requested, success(PinningJob.Get::new));
  }

  @Test
  void badRequestsAreRefusedAndCreateNothing() {
    List<Terms> bad =
        List.of(
            new Terms(TERMS.coreKey(), 0, 30),
            new Terms(TERMS.coreKey(), 17, 30),
            new Terms(TERMS.coreKey(), 3, 0),
            new Terms(TERMS.coreKey(), 3, 3651));
    for (Terms terms : bad) {
      assertEquals(ErrorCode.INVALID_PIN_REQUEST, refusal(request(terms)).code(), terms.toString());
    }
    assertEquals(
        ErrorCode.INVALID_CORE_KEY, refusal(request(new Terms("AB".repeat(32), 3, 30))).code());
    assertEquals(
        ErrorCode.INVALID_PIN_REQUEST,
        this.<PinningJob.RequestAnswer>refusal(
                replyTo -> new PinningJob.Request(supporter, "another", TERMS, replyTo))
            .code(),
        "a request id that does not name this job");
    assertTrue(job.restart().state().job().isEmpty(), "nothing was persisted");
    assertEquals(ErrorCode.PIN_JOB_NOT_FOUND, refusal(PinningJob.Get::new).code());
    assertEquals(
        ErrorCode.PIN_JOB_NOT_FOUND,
        this.<Job>refusal(replyTo -> new PinningJob.Cancel(supporter, replyTo)).code());
  }

  @Test
  void onlyTheSupporterCancelsAndAnEndedJobIsAnsweredUnchanged() {
    answer(request(TERMS));
    EthereumAddress stranger = PrivateKeySigner.generate().address();
    assertEquals(
        ErrorCode.NOT_PERMITTED,
        this.<Job>refusal(replyTo -> new PinningJob.Cancel(stranger, replyTo)).code());
    assertEquals(Status.REQUESTED, success(PinningJob.Get::new).status());

    clock.advance(Duration.ofHours(1));
    Instant before = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Job cancelled = success(replyTo -> new PinningJob.Cancel(supporter, replyTo));
    assertEquals(Status.CANCELLED, cancelled.status());
    assertTrue(!cancelled.endedAt().orElseThrow().isBefore(before), cancelled.toString());
    assertEquals(cancelled, success(replyTo -> new PinningJob.Cancel(supporter, replyTo)));
    assertEquals(
        ErrorCode.PIN_REQUEST_CONFLICT,
        refusal(request(new Terms(TERMS.coreKey(), 5, 30))).code(),
        "a cancelled job's request id is still taken");
    assertEquals(cancelled, answer(request(TERMS)).job(), "the same request answers the ended job");
    assertEquals(cancelled, job.restart().state().job().orElseThrow());
  }

  @Test
  void aJobRecoveredPastItsEndExpiresAndSaysSo() {
    Job requested = answer(request(new Terms(TERMS.coreKey(), 3, 1))).job();
    clock.advance(Duration.ofDays(2));
    // the stopped entity's timer is gone: recovery alone must find that the end has passed
    job.restart();
    Job expired = success(PinningJob.Get::new);
    assertEquals(Status.EXPIRED, expired.status(), "the first answer after waking says so");
    assertTrue(expired.endedAt().orElseThrow().isAfter(requested.endsAt()), expired.toString());
    assertEquals(requested.endsAt(), expired.endsAt());
    assertEquals(expired, job.restart().state().job().orElseThrow(), "the expiry is persisted");
    assertEquals(expired, success(replyTo -> new PinningJob.Cancel(supporter, replyTo)));
  }

  @Test
  void aCancelAfterTheEndFindsTheJobExpired() {
    answer(request(new Terms(TERMS.coreKey(), 3, 1)));
    clock.advance(Duration.ofDays(1));
    Job expired = success(replyTo -> new PinningJob.Cancel(supporter, replyTo));
    assertEquals(Status.EXPIRED, expired.status(), "its time was up before the cancel");
    assertEquals(expired, job.restart().state().job().orElseThrow());
  }

  @Test
  void aJobWithReplicasCrossesNodesAsItIs() {
    Job withReplicas =
        new Job(
            jobId,
            supporter,
            REQUEST_ID,
            TERMS,
            Status.CANCELLED,
            List.of(
                new PinningJob.Replica(
                    assignment(0), PinningJob.ReplicaState.ACTIVE, Optional.of(Bytes32.ZERO)),
                new PinningJob.Replica(
                    assignment(1), PinningJob.ReplicaState.FAULTY, Optional.empty())),
            Instant.ofEpochMilli(1_000),
            Instant.ofEpochMilli(2_000),
            Optional.of(Instant.ofEpochMilli(1_500)),
            Optional.of(new UnsealedTail(100, 130, Bytes32.ZERO, Instant.ofEpochMilli(1_200))));
    Serialization serialization = SerializationExtension.get(testKit.system());
    for (Object message : List.of(withReplicas, new PinningJob.RequestAnswer(withReplicas, true))) {
      Serializer serializer = serialization.findSerializerFor(message);
      assertEquals(PinningSerializer.class, serializer.getClass());
      byte[] bytes = serializer.toBinary(message);
      String manifest = Serializers.manifestFor(serializer, message);
      assertEquals(
          message, serialization.deserialize(bytes, serializer.identifier(), manifest).get());
    }
  }

  private ReplicaAssignment assignment(int slot) {
    return new ReplicaAssignment(
        jobId,
        slot,
        TERMS.coreKey(),
        0,
        10,
        10,
        Bytes32.ZERO,
        PrivateKeySigner.generate().address(),
        PrivateKeySigner.generate().address());
  }

  private Function<ActorRef<StatusReply<PinningJob.RequestAnswer>>, PinningJob.Command> request(
      Terms terms) {
    return replyTo -> new PinningJob.Request(supporter, REQUEST_ID, terms, replyTo);
  }

  private PinningJob.RequestAnswer answer(
      Function<ActorRef<StatusReply<PinningJob.RequestAnswer>>, PinningJob.Command> command) {
    StatusReply<PinningJob.RequestAnswer> reply =
        job.<StatusReply<PinningJob.RequestAnswer>>runCommand(command::apply).reply();
    assertTrue(reply.isSuccess(), "expected success, got " + reply);
    return reply.getValue();
  }

  private Job success(Function<ActorRef<StatusReply<Job>>, PinningJob.Command> command) {
    StatusReply<Job> reply = job.<StatusReply<Job>>runCommand(command::apply).reply();
    assertTrue(reply.isSuccess(), "expected success, got " + reply);
    return reply.getValue();
  }

  private <R> Rejection refusal(Function<ActorRef<StatusReply<R>>, PinningJob.Command> command) {
    StatusReply<R> reply = job.<StatusReply<R>>runCommand(command::apply).reply();
    assertTrue(reply.isError(), "expected a refusal, got " + reply);
    return Rejection.of(reply.getError());
  }
}
