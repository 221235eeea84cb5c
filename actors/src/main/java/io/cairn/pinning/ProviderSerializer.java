package io.cairn.pinning;

import io.cairn.cluster.proto.pinning.ExitProvider;
import io.cairn.cluster.proto.pinning.GetProvider;
import io.cairn.cluster.proto.pinning.ProviderExited;
import io.cairn.cluster.proto.pinning.ProviderInfo;
import io.cairn.cluster.proto.pinning.ProviderRegistered;
import io.cairn.cluster.proto.pinning.ProviderTerms;
import io.cairn.cluster.proto.pinning.ProviderTermsChanged;
import io.cairn.cluster.proto.pinning.RegisterProvider;
import io.cairn.protocol.EthereumAddress;
import io.cairn.serialization.ProtobufSerializer;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes the Provider entity's events, commands and replies as the messages of {@code
 * cairn/cluster/pinning.proto}. Manifests are stored with every event: never reuse or rename one.
 */
public final class ProviderSerializer extends ProtobufSerializer {

  public ProviderSerializer(ExtendedActorSystem system) {
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
        "I",
        Provider.Info.class,
        info ->
            ProviderInfo.newBuilder()
                .setAddress(info.address().value())
                .setTerms(toProto(info.terms()))
                .setStatus(info.status().name())
                .setRegisteredAtMs(info.registeredAt().toEpochMilli())
                .setChangedAtMs(info.changedAt().toEpochMilli())
                .build(),
        bytes -> {
          ProviderInfo info = ProviderInfo.parseFrom(bytes);
          return new Provider.Info(
              new EthereumAddress(info.getAddress()),
              fromProto(info.getTerms()),
              Provider.Status.valueOf(info.getStatus()),
              Instant.ofEpochMilli(info.getRegisteredAtMs()),
              Instant.ofEpochMilli(info.getChangedAtMs()));
        });
  }

  private static ProviderTerms toProto(Provider.Terms terms) {
    return ProviderTerms.newBuilder()
        .addAllRoles(terms.roles().stream().map(Provider.Role::name).sorted().toList())
        .setCapacityBytes(terms.capacityBytes())
        .setOperator(terms.operator())
        .setRegion(terms.region())
        .build();
  }

  private static Provider.Terms fromProto(ProviderTerms terms) {
    Set<Provider.Role> roles = EnumSet.noneOf(Provider.Role.class);
    terms.getRolesList().forEach(role -> roles.add(Provider.Role.valueOf(role)));
    return new Provider.Terms(
        roles, terms.getCapacityBytes(), terms.getOperator(), terms.getRegion());
  }
}
