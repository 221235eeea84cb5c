package io.cairn.pinning;

import io.cairn.cluster.proto.attestation.GetServiceChecks;
import io.cairn.cluster.proto.attestation.MeasurementRecord;
import io.cairn.cluster.proto.attestation.RecentGradeRecord;
import io.cairn.cluster.proto.attestation.ReportService;
import io.cairn.cluster.proto.attestation.ServiceBlockRecord;
import io.cairn.cluster.proto.attestation.ServiceCheckAssigned;
import io.cairn.cluster.proto.attestation.ServiceCheckExpired;
import io.cairn.cluster.proto.attestation.ServiceCheckRecord;
import io.cairn.cluster.proto.attestation.ServiceCheckSkipped;
import io.cairn.cluster.proto.attestation.ServiceCheckUnwatched;
import io.cairn.cluster.proto.attestation.ServiceCheckWatched;
import io.cairn.cluster.proto.attestation.ServiceChecksStatus;
import io.cairn.cluster.proto.attestation.ServiceGrade;
import io.cairn.cluster.proto.attestation.ServiceReportGraded;
import io.cairn.cluster.proto.attestation.ServiceReportRefused;
import io.cairn.cluster.proto.attestation.UnwatchService;
import io.cairn.cluster.proto.attestation.WatchService;
import io.cairn.pinning.ServiceCheck.Check;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.serialization.ProtobufSerializer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes {@link ServiceCheck}'s events, commands and replies as the messages of {@code
 * cairn/cluster/attestation.proto}. Manifests are stored with every event: never reuse or rename
 * one (all are V and one letter).
 */
public final class ServiceCheckSerializer extends ProtobufSerializer {
  private static final String AGREED = "AGREED";
  private static final String DISAGREED = "DISAGREED";

  public ServiceCheckSerializer(ExtendedActorSystem system) {
    super(system, 7770);
    bindEvents();
    bindOutcomes();
    bindCommands();
  }

  private void bindEvents() {
    bind(
        "VW",
        ServiceCheck.Watched.class,
        e ->
            ServiceCheckWatched.newBuilder()
                .setAssignment(PlacementMapper.toProto(e.assignment()))
                .addAllExcluded(PlacementMapper.addresses(e.excluded()))
                .setAtMs(e.at().toEpochMilli())
                .setFirstCheckAtMs(e.firstCheckAt().toEpochMilli())
                .build(),
        bytes -> {
          ServiceCheckWatched e = ServiceCheckWatched.parseFrom(bytes);
          return new ServiceCheck.Watched(
              PlacementMapper.fromProto(e.getAssignment()),
              PlacementMapper.parse(e.getExcludedList()),
              Instant.ofEpochMilli(e.getAtMs()),
              Instant.ofEpochMilli(e.getFirstCheckAtMs()));
        });
    bind(
        "VA",
        ServiceCheck.CheckAssigned.class,
        e ->
            ServiceCheckAssigned.newBuilder()
                .setCheck(toProto(e.check()))
                .addAllCandidates(e.candidates().stream().map(PlacementMapper::toProto).toList())
                .addAllExcluded(PlacementMapper.addresses(e.excluded()))
                .setNextCheckAtMs(e.nextCheckAt().toEpochMilli())
                .build(),
        bytes -> {
          ServiceCheckAssigned e = ServiceCheckAssigned.parseFrom(bytes);
          return new ServiceCheck.CheckAssigned(
              fromProto(e.getCheck()),
              e.getCandidatesList().stream().map(PlacementMapper::fromProto).toList(),
              PlacementMapper.parse(e.getExcludedList()),
              Instant.ofEpochMilli(e.getNextCheckAtMs()));
        });
    bind(
        "VS",
        ServiceCheck.CheckSkipped.class,
        e ->
            ServiceCheckSkipped.newBuilder()
                .setCheckNo(e.checkNo())
                .setEpoch(e.epoch())
                .setReason(e.reason().name())
                .setAtMs(e.at().toEpochMilli())
                .setNextCheckAtMs(e.nextCheckAt().toEpochMilli())
                .build(),
        bytes -> {
          ServiceCheckSkipped e = ServiceCheckSkipped.parseFrom(bytes);
          return new ServiceCheck.CheckSkipped(
              e.getCheckNo(),
              e.getEpoch(),
              ServiceCheck.Skip.valueOf(e.getReason()),
              Instant.ofEpochMilli(e.getAtMs()),
              Instant.ofEpochMilli(e.getNextCheckAtMs()));
        });
    bind(
        "VE",
        ServiceCheck.CheckExpired.class,
        e ->
            ServiceCheckExpired.newBuilder()
                .setCheckNo(e.checkNo())
                .setAttester(e.attester().value())
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ServiceCheckExpired e = ServiceCheckExpired.parseFrom(bytes);
          return new ServiceCheck.CheckExpired(
              e.getCheckNo(),
              new EthereumAddress(e.getAttester()),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "VU",
        ServiceCheck.Unwatched.class,
        e ->
            ServiceCheckUnwatched.newBuilder()
                .setReason(e.reason())
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ServiceCheckUnwatched e = ServiceCheckUnwatched.parseFrom(bytes);
          return new ServiceCheck.Unwatched(e.getReason(), Instant.ofEpochMilli(e.getAtMs()));
        });
  }

  private void bindOutcomes() {
    bind(
        "VG",
        ServiceCheck.ReportGraded.class,
        e ->
            ServiceReportGraded.newBuilder()
                .setCheckNo(e.checkNo())
                .setAttester(e.attester().value())
                .addAllMeasurements(
                    e.measurements().stream()
                        .map(
                            m ->
                                MeasurementRecord.newBuilder()
                                    .setVerified(m.verified())
                                    .setFirstByteMs(m.firstByteMillis())
                                    .setBytesPerSecond(m.bytesPerSecond())
                                    .build())
                        .toList())
                .setGrade(e.grade())
                .setVerifiedBlocks(e.verifiedBlocks())
                .setAgreed(e.agreed().map(agreed -> agreed ? AGREED : DISAGREED).orElse(""))
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ServiceReportGraded e = ServiceReportGraded.parseFrom(bytes);
          return new ServiceCheck.ReportGraded(
              e.getCheckNo(),
              new EthereumAddress(e.getAttester()),
              e.getMeasurementsList().stream()
                  .map(
                      m ->
                          new PerformanceGrade.Measurement(
                              m.getVerified(), m.getFirstByteMs(), m.getBytesPerSecond()))
                  .toList(),
              e.getGrade(),
              e.getVerifiedBlocks(),
              e.getAgreed().isEmpty()
                  ? Optional.empty()
                  : Optional.of(AGREED.equals(e.getAgreed())),
              Instant.ofEpochMilli(e.getAtMs()));
        });
    bind(
        "VR",
        ServiceCheck.ReportRefused.class,
        e ->
            ServiceReportRefused.newBuilder()
                .setCheckNo(e.checkNo())
                .setAttester(e.attester().value())
                .setReason(e.reason())
                .setAtMs(e.at().toEpochMilli())
                .build(),
        bytes -> {
          ServiceReportRefused e = ServiceReportRefused.parseFrom(bytes);
          return new ServiceCheck.ReportRefused(
              e.getCheckNo(),
              new EthereumAddress(e.getAttester()),
              e.getReason(),
              Instant.ofEpochMilli(e.getAtMs()));
        });
  }

  private void bindCommands() {
    bind(
        "Vw",
        ServiceCheck.Watch.class,
        c ->
            WatchService.newBuilder()
                .setAssignment(PlacementMapper.toProto(c.assignment()))
                .addAllExcluded(PlacementMapper.addresses(c.excluded()))
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          WatchService c = WatchService.parseFrom(bytes);
          return new ServiceCheck.Watch(
              PlacementMapper.fromProto(c.getAssignment()),
              PlacementMapper.parse(c.getExcludedList()),
              resolve(c.getReplyTo()));
        });
    bind(
        "Vu",
        ServiceCheck.Unwatch.class,
        c ->
            UnwatchService.newBuilder()
                .setReason(c.reason())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          UnwatchService c = UnwatchService.parseFrom(bytes);
          return new ServiceCheck.Unwatch(c.getReason(), resolve(c.getReplyTo()));
        });
    bind(
        "Vg",
        ServiceCheck.Get.class,
        c -> GetServiceChecks.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes -> new ServiceCheck.Get(resolve(GetServiceChecks.parseFrom(bytes).getReplyTo())));
    bind(
        "Vr",
        ServiceCheck.Report.class,
        c -> {
          ReportService.Builder report =
              ReportService.newBuilder()
                  .setAttester(c.attester().value())
                  .setCheckId(c.checkId().toString())
                  .setReplyTo(serialize(c.replyTo()));
          c.blocks().forEach(block -> report.addBlocks(toProto(block)));
          c.blockHashes().forEach((index, hash) -> report.putBlockHashes(index, hash.toString()));
          return report.build();
        },
        bytes -> {
          ReportService c = ReportService.parseFrom(bytes);
          Map<Long, Bytes32> hashes = new HashMap<>();
          c.getBlockHashesMap()
              .forEach((index, hash) -> hashes.put(index, Bytes32.parse(hash, "block hash")));
          return new ServiceCheck.Report(
              new EthereumAddress(c.getAttester()),
              Bytes32.parse(c.getCheckId(), "check id"),
              c.getBlocksList().stream().map(ServiceCheckSerializer::fromProto).toList(),
              hashes,
              resolve(c.getReplyTo()));
        });
    bind(
        "Vc",
        ServiceCheck.Checking.class,
        ServiceCheckSerializer::toProto,
        bytes -> fromProto(ServiceChecksStatus.parseFrom(bytes)));
    bind(
        "Vd",
        ServiceCheck.Grade.class,
        g ->
            ServiceGrade.newBuilder()
                .setCheckId(g.checkId().toString())
                .setGrade(g.grade())
                .setVerifiedBlocks(g.verifiedBlocks())
                .build(),
        bytes -> {
          ServiceGrade g = ServiceGrade.parseFrom(bytes);
          return new ServiceCheck.Grade(
              Bytes32.parse(g.getCheckId(), "check id"), g.getGrade(), g.getVerifiedBlocks());
        });
  }

  private static ServiceBlockRecord toProto(ServiceReports.BlockReport block) {
    ServiceBlockRecord.Builder record =
        ServiceBlockRecord.newBuilder()
            .setIndex(block.index())
            .setVerified(block.verified())
            .setFirstByteMs(block.firstByteMillis())
            .setBytesPerSecond(block.bytesPerSecond())
            .setFailure(block.failure());
    block.contact().ifPresent(record::setContact);
    return record.build();
  }

  private static ServiceReports.BlockReport fromProto(ServiceBlockRecord block) {
    return new ServiceReports.BlockReport(
        block.getIndex(),
        block.getVerified(),
        block.getFirstByteMs(),
        block.getBytesPerSecond(),
        block.hasContact() ? Optional.of(block.getContact()) : Optional.empty(),
        block.getFailure());
  }

  private static ServiceCheckRecord toProto(Check check) {
    return ServiceCheckRecord.newBuilder()
        .setCheckNo(check.checkNo())
        .setEpoch(check.epoch())
        .setCheckId(check.checkId().toString())
        .setAttester(check.attester().value())
        .setServeUrl(check.serveUrl())
        .addAllIndices(check.indices())
        .setAssignedAtMs(check.assignedAt().toEpochMilli())
        .setDeadlineMs(check.deadline().toEpochMilli())
        .build();
  }

  private static Check fromProto(ServiceCheckRecord check) {
    return new Check(
        check.getCheckNo(),
        check.getEpoch(),
        Bytes32.parse(check.getCheckId(), "check id"),
        new EthereumAddress(check.getAttester()),
        check.getServeUrl(),
        check.getIndicesList(),
        Instant.ofEpochMilli(check.getAssignedAtMs()),
        Instant.ofEpochMilli(check.getDeadlineMs()));
  }

  private static ServiceChecksStatus toProto(ServiceCheck.Checking checking) {
    ServiceChecksStatus.Builder status =
        ServiceChecksStatus.newBuilder()
            .setAssignment(PlacementMapper.toProto(checking.assignment()))
            .addAllExcluded(PlacementMapper.addresses(checking.excluded()))
            .setSinceMs(checking.since().toEpochMilli())
            .setNextCheckNo(checking.nextCheckNo())
            .setNextCheckAtMs(checking.nextCheckAt().toEpochMilli())
            .setStopped(checking.stopped().orElse(""));
    checking.open().ifPresent(open -> status.setOpen(toProto(open)));
    checking
        .recent()
        .forEach(
            recent ->
                status.addRecent(
                    RecentGradeRecord.newBuilder()
                        .setAttester(recent.attester().value())
                        .setGrade(recent.grade())));
    return status.build();
  }

  private static ServiceCheck.Checking fromProto(ServiceChecksStatus status) {
    return new ServiceCheck.Checking(
        PlacementMapper.fromProto(status.getAssignment()),
        PlacementMapper.parse(status.getExcludedList()),
        Instant.ofEpochMilli(status.getSinceMs()),
        status.getNextCheckNo(),
        Instant.ofEpochMilli(status.getNextCheckAtMs()),
        status.hasOpen() ? Optional.of(fromProto(status.getOpen())) : Optional.empty(),
        status.getRecentList().stream()
            .map(
                recent ->
                    new ServiceCheck.RecentGrade(
                        new EthereumAddress(recent.getAttester()), recent.getGrade()))
            .toList(),
        status.getStopped().isEmpty() ? Optional.empty() : Optional.of(status.getStopped()));
  }
}
