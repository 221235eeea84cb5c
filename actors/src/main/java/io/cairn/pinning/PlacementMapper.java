package io.cairn.pinning;

import io.cairn.cluster.proto.pinning.PinAssignment;
import io.cairn.cluster.proto.pinning.PinCandidate;
import io.cairn.cluster.proto.pinning.PinSector;
import io.cairn.cluster.proto.pinning.PinSelection;
import io.cairn.cluster.proto.pinning.PinSignedSector;
import io.cairn.cluster.proto.pinning.PinWeights;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Placements and assignments as the messages of {@code cairn/cluster/pinning.proto}. */
final class PlacementMapper {
  private PlacementMapper() {}

  static PinAssignment toProto(ReplicaAssignment assignment) {
    return PinAssignment.newBuilder()
        .setJobId(assignment.jobId().toString())
        .setSlot(assignment.slot())
        .setCoreKey(assignment.coreKey())
        .setRangeStart(assignment.rangeStart())
        .setRangeEnd(assignment.rangeEnd())
        .setTreeLength(assignment.treeLength())
        .setTreeHash(assignment.treeHash().toString())
        .setHoster(assignment.hoster().value())
        .setEncoder(assignment.encoder().value())
        .build();
  }

  static ReplicaAssignment fromProto(PinAssignment assignment) {
    return new ReplicaAssignment(
        Bytes32.parse(assignment.getJobId(), "job id"),
        assignment.getSlot(),
        assignment.getCoreKey(),
        assignment.getRangeStart(),
        assignment.getRangeEnd(),
        // recorded before the tree's length was: the tree signed at the range's end
        assignment.getTreeLength() == 0 ? assignment.getRangeEnd() : assignment.getTreeLength(),
        Bytes32.parse(assignment.getTreeHash(), "tree hash"),
        new EthereumAddress(assignment.getHoster()),
        new EthereumAddress(assignment.getEncoder()));
  }

  static PinSignedSector toProto(Placement.SignedSector sector) {
    return PinSignedSector.newBuilder()
        .setStart(sector.sector().start())
        .setEnd(sector.sector().end())
        .setTreeHash(sector.treeHash().toString())
        .build();
  }

  static Placement.SignedSector fromProto(PinSignedSector sector) {
    return new Placement.SignedSector(
        new Placement.Sector(sector.getStart(), sector.getEnd()),
        Bytes32.parse(sector.getTreeHash(), "tree hash"));
  }

  static PinSelection toProto(Placement.Selection selection) {
    return PinSelection.newBuilder()
        .setEpoch(selection.epoch())
        .setCoreKey(selection.coreKey())
        .setTreeLength(selection.treeLength())
        .setTreeHash(selection.treeHash().toString())
        .addAllSectors(
            selection.sectors().stream()
                .map(
                    sector ->
                        PinSector.newBuilder()
                            .setStart(sector.start())
                            .setEnd(sector.end())
                            .build())
                .toList())
        .setReplicasPerSector(selection.replicasPerSector())
        .setFirstSlot(selection.firstSlot())
        .setMinCapacity(selection.minCapacity())
        .setUnvettedShare(selection.unvettedShare())
        .addAllCandidates(selection.candidates().stream().map(PlacementMapper::toProto).toList())
        .addAllExcludedHosters(addresses(selection.excludedHosters()))
        .addAllExcludedEncoders(addresses(selection.excludedEncoders()))
        .addAllAssignments(selection.assignments().stream().map(PlacementMapper::toProto).toList())
        .build();
  }

  static Placement.Selection fromProto(PinSelection selection) {
    List<Placement.Sector> sectors =
        selection.getSectorsList().stream()
            .map(sector -> new Placement.Sector(sector.getStart(), sector.getEnd()))
            .toList();
    return new Placement.Selection(
        selection.getEpoch(),
        selection.getCoreKey(),
        // recorded before the tree's length was: the tree signed where the last sector ends
        selection.getTreeLength() == 0
            ? sectors.stream().mapToLong(Placement.Sector::end).max().orElse(0)
            : selection.getTreeLength(),
        Bytes32.parse(selection.getTreeHash(), "tree hash"),
        sectors,
        selection.getReplicasPerSector(),
        selection.getFirstSlot(),
        selection.getMinCapacity(),
        selection.getUnvettedShare(),
        selection.getCandidatesList().stream().map(PlacementMapper::fromProto).toList(),
        parse(selection.getExcludedHostersList()),
        parse(selection.getExcludedEncodersList()),
        selection.getAssignmentsList().stream().map(PlacementMapper::fromProto).toList());
  }

  static PinCandidate toProto(Placement.Candidate candidate) {
    return PinCandidate.newBuilder()
        .setAddress(candidate.address().value())
        .addAllRoles(candidate.roles().stream().map(Enum::name).sorted().toList())
        .setCapacityBytes(candidate.capacityBytes())
        .setOperator(candidate.operator())
        .setRegion(candidate.region())
        .setWeights(toProto(candidate.weights()))
        .build();
  }

  static Placement.Candidate fromProto(PinCandidate candidate) {
    Set<Provider.Role> roles = EnumSet.noneOf(Provider.Role.class);
    candidate.getRolesList().forEach(role -> roles.add(Provider.Role.valueOf(role)));
    return new Placement.Candidate(
        new EthereumAddress(candidate.getAddress()),
        roles,
        candidate.getCapacityBytes(),
        candidate.getOperator(),
        candidate.getRegion(),
        candidate.hasWeights() ? fromProto(candidate.getWeights()) : Placement.Weights.EQUAL);
  }

  static PinWeights toProto(Placement.Weights weights) {
    return PinWeights.newBuilder()
        .setHoster(weights.hoster())
        .setEncoder(weights.encoder())
        .setAttester(weights.attester())
        .setVetted(weights.vetted())
        .build();
  }

  static Placement.Weights fromProto(PinWeights weights) {
    return new Placement.Weights(
        weights.getHoster(), weights.getEncoder(), weights.getAttester(), weights.getVetted());
  }

  static List<String> addresses(List<EthereumAddress> addresses) {
    return addresses.stream().map(EthereumAddress::value).toList();
  }

  static List<EthereumAddress> parse(List<String> addresses) {
    return addresses.stream().map(EthereumAddress::new).toList();
  }
}
