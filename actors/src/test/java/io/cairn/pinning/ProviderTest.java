package io.cairn.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.ledger.AdjustableClock;
import io.cairn.pinning.Provider.Role;
import io.cairn.pinning.Provider.Status;
import io.cairn.pinning.Provider.Terms;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.PrivateKeySigner;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Provider entity on its own, every event and reply through {@link PinningSerializer} (the test
 * kit serializes each), and its recovery from its events.
 */
class ProviderTest {
  private static final PinningSettings SETTINGS = PinningSettings.fromConfig(ConfigFactory.load());
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final Terms HOSTER =
      new Terms(Set.of(Role.HOSTER), 10L << 30, "operator-a", "eu-west");

  private final AdjustableClock clock = new AdjustableClock();
  private final PrivateKeySigner agent = PrivateKeySigner.generate();
  private EventSourcedBehaviorTestKit<Provider.Command, Provider.Event, Provider.State> provider;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void freshProvider() {
    provider =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Provider.create(agent.address(), SETTINGS, clock),
            // the entity takes no snapshots: its state is never serialized
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  @Test
  void judgementsAreKeptAndAnInvalidProofDisqualifiesForGood() {
    success(replyTo -> new Provider.Register(HOSTER, replyTo));
    Instant now = clock.instant();
    provider.runCommand(new Provider.Judge(new Reputation.StorageRound(true, now)));
    provider.runCommand(new Provider.Judge(new Reputation.ServiceGraded(0.5, now)));
    Provider.Info graded = success(Provider.Get::new);
    assertEquals(1, graded.reputation().windowPassed());
    assertEquals(0.5, graded.reputation().performance());
    assertEquals(Status.ACTIVE, graded.status());

    var result = provider.runCommand(new Provider.Judge(new Reputation.InvalidProof(now)));
    assertEquals(2, result.events().size());
    assertTrue(result.events().get(1) instanceof Provider.Disqualified);
    Provider.Info disqualified = success(Provider.Get::new);
    assertEquals(Status.DISQUALIFIED, disqualified.status());
    assertEquals(
        Reputation.Standing.DISQUALIFIED,
        disqualified.reputation().standing(SETTINGS.reputation()));
    assertEquals(disqualified, provider.restart().state().info().get(), "recovered as it was");

    provider.runCommand(new Provider.Judge(new Reputation.StorageRound(true, now)));
    assertEquals(disqualified, success(Provider.Get::new), "a provider gone is judged no more");
    assertEquals(
        ErrorCode.PROVIDER_EXITED,
        refusal(replyTo -> new Provider.Register(HOSTER, replyTo)).code());
  }

  @Test
  void anAgentRegistersUpdatesItsTermsAndLeavesForGood() {
    Provider.Info registered = success(replyTo -> new Provider.Register(HOSTER, replyTo));
    assertEquals(agent.address(), registered.address());
    assertEquals(Status.ACTIVE, registered.status());
    assertEquals(HOSTER, registered.terms());

    assertEquals(
        registered,
        success(replyTo -> new Provider.Register(HOSTER, replyTo)),
        "the same terms again change nothing");
    assertEquals(1, provider.restart().state().info().stream().count());

    clock.advance(Duration.ofHours(1));
    Terms grown =
        new Terms(EnumSet.of(Role.HOSTER, Role.ATTESTER), 20L << 30, "operator-a", "eu-west");
    Provider.Info updated = success(replyTo -> new Provider.Register(grown, replyTo));
    assertEquals(grown, updated.terms());
    assertEquals(registered.registeredAt(), updated.registeredAt());
    assertTrue(
        !updated.changedAt().isBefore(registered.registeredAt().plus(Duration.ofHours(1))),
        "changed an hour later: " + updated);

    Provider.Info exited = success(Provider.Exit::new);
    assertEquals(Status.EXITED, exited.status());
    assertEquals(exited, success(Provider.Exit::new), "leaving twice answers the same");
    Rejection back = refusal(replyTo -> new Provider.Register(HOSTER, replyTo));
    assertEquals(ErrorCode.PROVIDER_EXITED, back.code());

    assertEquals(exited, provider.restart().state().info().orElseThrow(), "recovered as it was");
  }

  @Test
  void termsAProviderCannotTakeAreRefusedAndChangeNothing() {
    List<Terms> bad =
        List.of(
            new Terms(Set.of(), 1, "op", "region"),
            new Terms(Set.of(Role.HOSTER), 0, "op", "region"),
            new Terms(Set.of(Role.ENCODER), -1, "op", "region"),
            new Terms(Set.of(Role.ATTESTER), 0, " ", "region"),
            new Terms(Set.of(Role.ATTESTER), 0, "op", "r".repeat(65)));
    for (Terms terms : bad) {
      Rejection refused = refusal(replyTo -> new Provider.Register(terms, replyTo));
      assertEquals(ErrorCode.INVALID_PROVIDER, refused.code(), terms.toString());
    }
    assertTrue(provider.restart().state().info().isEmpty(), "nothing was persisted");
    assertEquals(ErrorCode.PROVIDER_NOT_FOUND, refusal(Provider.Get::new).code());

    Terms attester = new Terms(Set.of(Role.ATTESTER), 0, "op", "region");
    assertEquals(attester, success(replyTo -> new Provider.Register(attester, replyTo)).terms());
    Rejection shrunk =
        refusal(
            replyTo ->
                new Provider.Register(new Terms(Set.of(Role.HOSTER), 0, "op", "region"), replyTo));
    assertEquals(ErrorCode.INVALID_PROVIDER, shrunk.code());
    assertEquals(
        attester, success(Provider.Get::new).terms(), "the refused update changed nothing");
  }

  @Test
  void aHosterSilentForTheGraceIsOfflineAndBackWhenHeardFrom() {
    success(replyTo -> new Provider.Register(HOSTER, replyTo));
    Instant firstMiss = clock.instant().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1);
    assertEquals(
        List.of(new Provider.WentSilent(firstMiss)),
        provider.runCommand(new Provider.DeadlineMissed(firstMiss)).events());
    assertEquals(
        List.of(),
        provider.runCommand(new Provider.DeadlineMissed(firstMiss.plusSeconds(60))).events(),
        "a silence starts once, at its first miss");

    clock.advance(SETTINGS.offlineGrace().dividedBy(2));
    assertEquals(
        List.of(),
        provider.runCommand(new Provider.DeadlineMissed(clock.instant())).events(),
        "within the grace");
    clock.advance(SETTINGS.offlineGrace().dividedBy(2));
    List<Provider.Event> afterGrace =
        provider.runCommand(new Provider.DeadlineMissed(clock.instant())).events();
    assertEquals(1, afterGrace.size(), "a note after the grace finds it over: " + afterGrace);
    Instant offlineAt = ((Provider.WentOffline) afterGrace.get(0)).at();
    assertTrue(!offlineAt.isBefore(firstMiss.plus(SETTINGS.offlineGrace())), offlineAt.toString());
    Provider.Info offline = provider.restart().state().info().orElseThrow();
    assertEquals(Status.OFFLINE, offline.status());
    assertEquals(Optional.of(firstMiss), offline.silentSince());
    assertEquals(Optional.of(offlineAt), offline.offlineSince());

    assertEquals(
        List.of(),
        provider.runCommand(new Provider.AnswerReceived(firstMiss.minusSeconds(1))).events(),
        "an answer from before the silence ends nothing");
    Instant answered = offlineAt.plusSeconds(5);
    assertEquals(
        List.of(new Provider.HeardFrom(answered)),
        provider.runCommand(new Provider.AnswerReceived(answered)).events());
    Provider.Info back = success(Provider.Get::new);
    assertEquals(Status.ACTIVE, back.status());
    assertEquals(Optional.empty(), back.silentSince());
    assertEquals(Optional.empty(), back.offlineSince());
    assertEquals(
        List.of(),
        provider.runCommand(new Provider.DeadlineMissed(answered.minusSeconds(1))).events(),
        "a deadline before its last answer is old news");

    provider.runCommand(new Provider.DeadlineMissed(answered.plusSeconds(1)));
    clock.advance(SETTINGS.offlineGrace().plusSeconds(10));
    provider.runCommand(new Provider.DeadlineMissed(clock.instant()));
    assertEquals(Status.OFFLINE, success(Provider.Get::new).status());
    Provider.Info registered = success(replyTo -> new Provider.Register(HOSTER, replyTo));
    assertEquals(Status.ACTIVE, registered.status(), "registering again is contact too");
    assertEquals(registered, provider.restart().state().info().orElseThrow());
  }

  private Provider.Info success(
      Function<ActorRef<StatusReply<Provider.Info>>, Provider.Command> command) {
    return provider.<StatusReply<Provider.Info>>runCommand(command::apply).reply().getValue();
  }

  private Rejection refusal(
      Function<ActorRef<StatusReply<Provider.Info>>, Provider.Command> command) {
    StatusReply<Provider.Info> reply =
        provider.<StatusReply<Provider.Info>>runCommand(command::apply).reply();
    assertTrue(reply.isError(), "expected a refusal, got " + reply);
    return Rejection.of(reply.getError());
  }
}
