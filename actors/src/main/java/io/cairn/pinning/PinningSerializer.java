package io.cairn.pinning;

import io.cairn.cluster.proto.pinning.CancelPin;
import io.cairn.cluster.proto.pinning.ExitProvider;
import io.cairn.cluster.proto.pinning.GetPin;
import io.cairn.cluster.proto.pinning.GetProvider;
import io.cairn.cluster.proto.pinning.JudgeProvider;
import io.cairn.cluster.proto.pinning.PinCancelled;
import io.cairn.cluster.proto.pinning.PinExpired;
import io.cairn.cluster.proto.pinning.PinJob;
import io.cairn.cluster.proto.pinning.PinPlaced;
import io.cairn.cluster.proto.pinning.PinReplaced;
import io.cairn.cluster.proto.pinning.PinReplica;
import io.cairn.cluster.proto.pinning.PinReplicaNoted;
import io.cairn.cluster.proto.pinning.PinRequestAnswer;
import io.cairn.cluster.proto.pinning.PinRequested;
import io.cairn.cluster.proto.pinning.PinTail;
import io.cairn.cluster.proto.pinning.PinTailPlaced;
import io.cairn.cluster.proto.pinning.PinTailSeen;
import io.cairn.cluster.proto.pinning.PinTerms;
import io.cairn.cluster.proto.pinning.ProviderAnswerReceived;
import io.cairn.cluster.proto.pinning.ProviderDeadlineMissed;
import io.cairn.cluster.proto.pinning.ProviderDisqualified;
import io.cairn.cluster.proto.pinning.ProviderExited;
import io.cairn.cluster.proto.pinning.ProviderHeardFrom;
import io.cairn.cluster.proto.pinning.ProviderInfo;
import io.cairn.cluster.proto.pinning.ProviderJudged;
import io.cairn.cluster.proto.pinning.ProviderRegistered;
import io.cairn.cluster.proto.pinning.ProviderTerms;
import io.cairn.cluster.proto.pinning.ProviderTermsChanged;
import io.cairn.cluster.proto.pinning.ProviderWentOffline;
import io.cairn.cluster.proto.pinning.ProviderWentSilent;
import io.cairn.cluster.proto.pinning.RegisterProvider;
import io.cairn.cluster.proto.pinning.ReplicaChangedReport;
import io.cairn.cluster.proto.pinning.RequestPin;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.serialization.ProtobufSerializer;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes the pinning entities' ({@link Provider}, {@link PinningJob}) events, commands and replies
 * as the messages of {@code cairn/cluster/pinning.proto}. Manifests are stored with every event:
 * never reuse or rename one (a provider's are one letter or P and one letter, a job's J and one).
 */
public final class PinningSerializer extends ProtobufSerializer {

  public PinningSerializer(ExtendedActorSystem system) {
    super(system, 7760);
    bind(
        "PR",
        Provider.Registered.class,
        e ->
            ProviderRegistered.newBuilder()
                .setTerms(toProto(e.terms()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ProviderRegistered e = ProviderRegistered.parseFrom(bytes);
          return new Provider.Registered(
              fromProto(e.getTerms()), Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "PT",
        Provider.TermsChanged.class,
        e ->
            ProviderTermsChanged.newBuilder()
                .setTerms(toProto(e.terms()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ProviderTermsChanged e = ProviderTermsChanged.parseFrom(bytes);
          return new Provider.TermsChanged(
              fromProto(e.getTerms()), Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "PX",
        Provider.Exited.class,
        e -> ProviderExited.newBuilder().setAtMs(e.at().toEpochMilli()).build(),
        bytes ->
            new Provider.Exited(Instant.ofEpochMilli(ProviderExited.parseFrom(bytes).getAtMs())));
    bind(
        "PS",
        Provider.WentSilent.class,
        e -> ProviderWentSilent.newBuilder().setAtMs(e.at().toEpochMilli()).build(),
        bytes ->
            new Provider.WentSilent(
                Instant.ofEpochMilli(ProviderWentSilent.parseFrom(bytes).getAtMs())));
    bind(
        "PO",
        Provider.WentOffline.class,
        e -> ProviderWentOffline.newBuilder().setAtMs(e.at().toEpochMilli()).build(),
        bytes ->
            new Provider.WentOffline(
                Instant.ofEpochMilli(ProviderWentOffline.parseFrom(bytes).getAtMs())));
    bind(
        "PH",
        Provider.HeardFrom.class,
        e -> ProviderHeardFrom.newBuilder().setAtMs(e.at().toEpochMilli()).build(),
        bytes ->
            new Provider.HeardFrom(
                Instant.ofEpochMilli(ProviderHeardFrom.parseFrom(bytes).getAtMs())));

    bind(
        "PJ",
        Provider.Judged.class,
        e ->
            ProviderJudged.newBuilder()
                .setJudgement(ReputationMapper.toProto(e.judgement()))
                .setAfter(ReputationMapper.toProto(e.after()))
                .build(),
        bytes -> {
          ProviderJudged e = ProviderJudged.parseFrom(bytes);
          return new Provider.Judged(
              ReputationMapper.fromProto(e.getJudgement()),
              ReputationMapper.fromProto(e.getAfter()));
        });
    bind(
        "PD",
        Provider.Disqualified.class,
        e -> ProviderDisqualified.newBuilder().setAtMs(e.at().toEpochMilli()).build(),
        bytes ->
            new Provider.Disqualified(
                Instant.ofEpochMilli(ProviderDisqualified.parseFrom(bytes).getAtMs())));
    bind(
        "Pj",
        Provider.Judge.class,
        c ->
            JudgeProvider.newBuilder()
                .setJudgement(ReputationMapper.toProto(c.judgement()))
                .build(),
        bytes ->
            new Provider.Judge(
                ReputationMapper.fromProto(JudgeProvider.parseFrom(bytes).getJudgement())));

    bind(
        "R",
        Provider.Register.class,
        c ->
            RegisterProvider.newBuilder()
                .setTerms(toProto(c.terms()))
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          RegisterProvider c = RegisterProvider.parseFrom(bytes);
          return new Provider.Register(fromProto(c.getTerms()), resolve(c.getReplyTo()));
        });
    bind(
        "X",
        Provider.Exit.class,
        c -> ExitProvider.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new Provider.Exit(resolve(ExitProvider.parseFrom(bytes).getReplyTo())));
    bind(
        "G",
        Provider.Get.class,
        c -> GetProvider.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new Provider.Get(resolve(GetProvider.parseFrom(bytes).getReplyTo())));
    bind(
        "Pm",
        Provider.DeadlineMissed.class,
        c -> ProviderDeadlineMissed.newBuilder().setDeadlineMs(c.deadline().toEpochMilli()).build(),
        bytes ->
            new Provider.DeadlineMissed(
                Instant.ofEpochMilli(ProviderDeadlineMissed.parseFrom(bytes).getDeadlineMs())));
    bind(
        "Pa",
        Provider.AnswerReceived.class,
        c -> ProviderAnswerReceived.newBuilder().setAtMs(c.at().toEpochMilli()).build(),
        bytes ->
            new Provider.AnswerReceived(
                Instant.ofEpochMilli(ProviderAnswerReceived.parseFrom(bytes).getAtMs())));

    bind(
        "I",
        Provider.Info.class,
        info ->
            ProviderInfo.newBuilder()
                .setAddress(info.address().value())
                .setTerms(toProto(info.terms()))
                .setStatus(info.status().name())
                .setRegisteredAtMs(info.registeredAt().toEpochMilli())
                .setChangedAtMs(info.changedAt().toEpochMilli())
                .setSilentSinceMs(info.silentSince().map(Instant::toEpochMilli).orElse(0L))
                .setOfflineSinceMs(info.offlineSince().map(Instant::toEpochMilli).orElse(0L))
                .setReputation(ReputationMapper.toProto(info.reputation()))
                .build(),
        bytes -> {
          ProviderInfo info = ProviderInfo.parseFrom(bytes);
          return new Provider.Info(
              new EthereumAddress(info.getAddress()),
              fromProto(info.getTerms()),
              Provider.Status.valueOf(info.getStatus()),
              Instant.ofEpochMilli(info.getRegisteredAtMs()),
              Instant.ofEpochMilli(info.getChangedAtMs()),
              instantOrEmpty(info.getSilentSinceMs()),
              instantOrEmpty(info.getOfflineSinceMs()),
              ReputationMapper.fromProto(info.getReputation()));
        });
    bindJob();
  }

  private void bindJob() {
    bind(
        "JR",
        PinningJob.Requested.class,
        e ->
            PinRequested.newBuilder()
                .setSupporter(e.supporter().value())
                .setRequestId(e.requestId())
                .setTerms(toProto(e.terms()))
                .setAtMs(e.at().toEpochMilli())
                .setEndsAtMs(e.endsAt().toEpochMilli())
                .build(),
        bytes -> {
          PinRequested e = PinRequested.parseFrom(bytes);
          return new PinningJob.Requested(
              new EthereumAddress(e.getSupporter()),
              e.getRequestId(),
              fromProto(e.getTerms()),
              Instant.ofEpochMilli(e.getAtMs()),
              Instant.ofEpochMilli(e.getEndsAtMs()));
        });
    bind(
        "JC",
        PinningJob.Cancelled.class,
        e -> PinCancelled.newBuilder().setAtMs(e.at().toEpochMilli()).setBy(e.by().value()).build(),
        bytes -> {
          PinCancelled e = PinCancelled.parseFrom(bytes);
          return new PinningJob.Cancelled(
              Instant.ofEpochMilli(e.getAtMs()), new EthereumAddress(e.getBy()));
        });
    bind(
        "JE",
        PinningJob.Expired.class,
        e -> PinExpired.newBuilder().setAtMs(e.at().toEpochMilli()).build(),
        bytes ->
            new PinningJob.Expired(Instant.ofEpochMilli(PinExpired.parseFrom(bytes).getAtMs())));

    bind(
        "JQ",
        PinningJob.Request.class,
        c ->
            RequestPin.newBuilder()
                .setSupporter(c.supporter().value())
                .setRequestId(c.requestId())
                .setTerms(toProto(c.terms()))
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          RequestPin c = RequestPin.parseFrom(bytes);
          return new PinningJob.Request(
              new EthereumAddress(c.getSupporter()),
              c.getRequestId(),
              fromProto(c.getTerms()),
              resolve(c.getReplyTo()));
        });
    bind(
        "JX",
        PinningJob.Cancel.class,
        c ->
            CancelPin.newBuilder().setBy(c.by().value()).setReplyTo(serialize(c.replyTo())).build(),
        bytes -> {
          CancelPin c = CancelPin.parseFrom(bytes);
          return new PinningJob.Cancel(new EthereumAddress(c.getBy()), resolve(c.getReplyTo()));
        });
    bind(
        "JG",
        PinningJob.Get.class,
        c -> GetPin.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new PinningJob.Get(resolve(GetPin.parseFrom(bytes).getReplyTo())));

    bind(
        "JA",
        PinningJob.RequestAnswer.class,
        answer ->
            PinRequestAnswer.newBuilder()
                .setJob(toProto(answer.job()))
                .setCreated(answer.created())
                .build(),
        bytes -> {
          PinRequestAnswer answer = PinRequestAnswer.parseFrom(bytes);
          return new PinningJob.RequestAnswer(fromProto(answer.getJob()), answer.getCreated());
        });
    bind(
        "JP",
        PinningJob.Placed.class,
        e ->
            PinPlaced.newBuilder()
                .setSelection(PlacementMapper.toProto(e.selection()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          PinPlaced e = PinPlaced.parseFrom(bytes);
          return new PinningJob.Placed(
              PlacementMapper.fromProto(e.getSelection()), Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "JL",
        PinningJob.Replaced.class,
        e ->
            PinReplaced.newBuilder()
                .setSlot(e.slot())
                .setSelection(PlacementMapper.toProto(e.selection()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          PinReplaced e = PinReplaced.parseFrom(bytes);
          return new PinningJob.Replaced(
              e.getSlot(),
              PlacementMapper.fromProto(e.getSelection()),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "JN",
        PinningJob.ReplicaNoted.class,
        e ->
            PinReplicaNoted.newBuilder()
                .setSlot(e.slot())
                .setState(e.state().name())
                .setRoot(e.root().map(Bytes32::toString).orElse(""))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          PinReplicaNoted e = PinReplicaNoted.parseFrom(bytes);
          return new PinningJob.ReplicaNoted(
              e.getSlot(),
              PinningJob.ReplicaState.valueOf(e.getState()),
              root(e.getRoot()),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "JT",
        PinningJob.TailSeen.class,
        e ->
            PinTailSeen.newBuilder()
                .setEnd(e.end())
                .setTreeHash(e.treeHash().toString())
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          PinTailSeen e = PinTailSeen.parseFrom(bytes);
          return new PinningJob.TailSeen(
              e.getEnd(),
              Bytes32.parse(e.getTreeHash(), "tree hash"),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "JU",
        PinningJob.TailPlaced.class,
        e ->
            PinTailPlaced.newBuilder()
                .setSelection(PlacementMapper.toProto(e.selection()))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          PinTailPlaced e = PinTailPlaced.parseFrom(bytes);
          return new PinningJob.TailPlaced(
              PlacementMapper.fromProto(e.getSelection()), Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "JS",
        PinningJob.ReplicaChanged.class,
        c ->
            ReplicaChangedReport.newBuilder()
                .setSlot(c.slot())
                .setState(c.state().name())
                .setRoot(c.root().map(Bytes32::toString).orElse(""))
                .build(),
        bytes -> {
          ReplicaChangedReport c = ReplicaChangedReport.parseFrom(bytes);
          return new PinningJob.ReplicaChanged(
              c.getSlot(), PinningJob.ReplicaState.valueOf(c.getState()), root(c.getRoot()));
        });
    bind(
        "J",
        PinningJob.Job.class,
        PinningSerializer::toProto,
        bytes -> fromProto(PinJob.parseFrom(bytes)));
  }

  private static PinJob toProto(PinningJob.Job job) {
    PinJob.Builder proto = PinJob.newBuilder();
    job.unsealedTail()
        .ifPresent(
            tail ->
                proto.setUnsealedTail(
                    PinTail.newBuilder()
                        .setStart(tail.start())
                        .setEnd(tail.end())
                        .setTreeHash(tail.treeHash().toString())
                        .setSinceMs(tail.since().toEpochMilli())));
    return proto
        .setJobId(job.jobId().toString())
        .setSupporter(job.supporter().value())
        .setRequestId(job.requestId())
        .setTerms(toProto(job.terms()))
        .setStatus(job.status().name())
        .addAllReplicas(
            job.replicas().stream()
                .map(
                    replica ->
                        PinReplica.newBuilder()
                            .setHoster(replica.hoster().value())
                            .setState(replica.state().name())
                            .setAssignment(PlacementMapper.toProto(replica.assignment()))
                            .setRoot(replica.root().map(Bytes32::toString).orElse(""))
                            .build())
                .toList())
        .setRequestedAtMs(job.requestedAt().toEpochMilli())
        .setEndsAtMs(job.endsAt().toEpochMilli())
        .setEndedAtMs(job.endedAt().map(Instant::toEpochMilli).orElse(0L))
        .build();
  }

  private static PinningJob.Job fromProto(PinJob job) {
    return new PinningJob.Job(
        Bytes32.parse(job.getJobId(), "job id"),
        new EthereumAddress(job.getSupporter()),
        job.getRequestId(),
        fromProto(job.getTerms()),
        PinningJob.Status.valueOf(job.getStatus()),
        job.getReplicasList().stream()
            .map(
                replica ->
                    new PinningJob.Replica(
                        PlacementMapper.fromProto(replica.getAssignment()),
                        PinningJob.ReplicaState.valueOf(replica.getState()),
                        root(replica.getRoot())))
            .toList(),
        Instant.ofEpochMilli(job.getRequestedAtMs()),
        Instant.ofEpochMilli(job.getEndsAtMs()),
        job.getEndedAtMs() == 0
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(job.getEndedAtMs())),
        job.hasUnsealedTail()
            ? Optional.of(
                new UnsealedTail(
                    job.getUnsealedTail().getStart(),
                    job.getUnsealedTail().getEnd(),
                    Bytes32.parse(job.getUnsealedTail().getTreeHash(), "tree hash"),
                    Instant.ofEpochMilli(job.getUnsealedTail().getSinceMs())))
            : Optional.empty());
  }

  private static Optional<Bytes32> root(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(Bytes32.parse(text, "root"));
  }

  private static PinTerms toProto(PinningJob.Terms terms) {
    return PinTerms.newBuilder()
        .setCoreKey(terms.coreKey())
        .setReplicas(terms.replicas())
        .setDays(terms.days())
        .build();
  }

  private static PinningJob.Terms fromProto(PinTerms terms) {
    return new PinningJob.Terms(terms.getCoreKey(), terms.getReplicas(), terms.getDays());
  }

  private static Optional<Instant> instantOrEmpty(long epochMilli) {
    return epochMilli == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(epochMilli));
  }

  private static ProviderTerms toProto(Provider.Terms terms) {
    return ProviderTerms.newBuilder()
        .addAllRoles(terms.roles().stream().map(Provider.Role::name).sorted().toList())
        .setCapacityBytes(terms.capacityBytes())
        .setOperator(terms.operator())
        .setRegion(terms.region())
        .setServeUrl(terms.serveUrl().orElse(""))
        .build();
  }

  private static Provider.Terms fromProto(ProviderTerms terms) {
    Set<Provider.Role> roles = EnumSet.noneOf(Provider.Role.class);
    terms.getRolesList().forEach(role -> roles.add(Provider.Role.valueOf(role)));
    return new Provider.Terms(
        roles,
        terms.getCapacityBytes(),
        terms.getOperator(),
        terms.getRegion(),
        terms.getServeUrl().isEmpty() ? Optional.empty() : Optional.of(terms.getServeUrl()));
  }
}
