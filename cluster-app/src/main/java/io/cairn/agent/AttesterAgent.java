package io.cairn.agent;

import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.ServiceBlockReport;
import io.cairn.protocol.api.v1.ServiceCheckTask;
import io.cairn.protocol.api.v1.ServiceGradeView;
import io.cairn.protocol.api.v1.ServiceReport;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.AddressRecovery;
import io.cairn.protocol.hypercore.Blake2b;
import io.cairn.protocol.hypercore.CoreIdentity;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofProtos;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.pinning.PinningStatements;
import io.cairn.protocol.pinning.v1.SignedPinningStatement;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attester agent ({@code cairn agent attester}): makes the service checks the cluster draws for
 * it. For each block of a check it asks the hoster's serve URL as a reader would, with the check's
 * id in the {@value BlockServer#CHECK_HEADER} header, and times it: the first byte of the body,
 * then the rate of the rest. It verifies the block and its proof against the publisher's signature
 * (the core's manifest from the node, which the cluster holds), and the hoster's proof of contact
 * against the hoster's address; a block that did not come, or came without a proof of contact that
 * holds, is reported not served. Checks run on a thread of their own, one at a time, so a slow
 * hoster delays no poll.
 */
public final class AttesterAgent implements PolledAgent {
  private static final Logger log = LoggerFactory.getLogger(AttesterAgent.class);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

  private final AgentConnection connection;
  private final CheatMode cheat;
  private final AddressRecovery recovery = AddressRecoveries.preferred();
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(FETCH_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final TaskWorker checking = new TaskWorker("attester-check");
  // checks reported (or refused) in this run: not made again while the node still lists them
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  AttesterAgent(AgentConnection connection, CheatMode cheat) {
    this.connection = connection;
    this.cheat = cheat;
  }

  @Override
  public void pollOnce() {
    for (ServiceCheckTask task : connection.call(CairnClient::agentTasks).getChecksList()) {
      if (!reported.contains(task.getCheckId())) {
        checking.offer(task.getCheckId(), () -> check(task));
      }
    }
  }

  private void check(ServiceCheckTask task) {
    byte[] coreKey = HexFormat.of().parseHex(task.getCoreKey());
    ServiceReport.Builder report = ServiceReport.newBuilder().setCheckId(task.getCheckId());
    if (cheat instanceof CheatMode.Lazy) {
      log.warn("cheating: reporting check {} without fetching a block", task.getCheckId());
      task.getIndicesList().forEach(index -> report.addBlocks(madeUp(task, coreKey, index)));
    } else {
      CoreIdentity identity = identity(coreKey);
      for (long index : task.getIndicesList()) {
        report.addBlocks(fetch(task, coreKey, identity, index));
      }
    }
    try {
      ServiceGradeView grade =
          connection.call(
              client ->
                  client.submitServiceReport(task.getJobId(), task.getSlot(), report.build()));
      reported.add(task.getCheckId());
      log.info(
          "service check {} of hoster {}: grade {}, {} of {} blocks verified",
          task.getCheckId(),
          task.getHoster(),
          grade.getGrade(),
          grade.getVerifiedBlocks(),
          task.getIndicesCount());
    } catch (CairnApiException refusal) {
      if (refusal.status() >= 500) {
        throw refusal;
      }
      reported.add(task.getCheckId());
      log.warn(
          "the node refused the report of check {}: {}", task.getCheckId(), refusal.getMessage());
    }
  }

  /** The core's identity from its manifest, which must hash to its key. */
  private CoreIdentity identity(byte[] coreKey) {
    CoreIdentity identity =
        ProofProtos.fromProto(connection.call(client -> client.coreInfo(coreKey)).getRegistration())
            .identity();
    if (!Arrays.equals(identity.key(), coreKey)) {
      throw new IllegalStateException(
          "the node described another core than " + HexFormat.of().formatHex(coreKey));
    }
    return identity;
  }

  /** One block as a reader gets it from the hoster, timed and verified. */
  private ServiceBlockReport fetch(
      ServiceCheckTask task, byte[] coreKey, CoreIdentity identity, long index) {
    ServiceBlockReport.Builder block = ServiceBlockReport.newBuilder().setIndex(index);
    URI uri =
        URI.create(
            task.getServeUrl().replaceAll("/+$", "")
                + "/api/v1/cores/"
                + task.getCoreKey()
                + "/blocks/"
                + index
                + "?format=raw");
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(FETCH_TIMEOUT)
            .header(BlockServer.CHECK_HEADER, task.getCheckId())
            .GET()
            .build();
    long started = System.nanoTime();
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] value;
      long firstByte;
      try (InputStream body = response.body()) {
        int first = body.read();
        firstByte = System.nanoTime();
        byte[] rest = body.readAllBytes();
        value =
            first < 0
                ? rest
                : ByteBuffer.allocate(1 + rest.length).put((byte) first).put(rest).array();
      }
      long done = System.nanoTime();
      block
          .setFirstByteMs((firstByte - started) / 1e6)
          .setBytesPerSecond(value.length / (Math.max(done - firstByte, 1_000_000) / 1e9));
      if (response.statusCode() != 200) {
        return block.setFailure("the hoster answered HTTP " + response.statusCode()).build();
      }
      Optional<SignedPinningStatement> contact = contact(task, coreKey, index, value, response);
      if (contact.isEmpty()) {
        return block.setFailure("no proof of contact from the hoster that holds").build();
      }
      block.setContact(contact.get());
      if (!verifies(identity, index, value, response)) {
        return block
            .setFailure("the block does not verify against the publisher's signature")
            .build();
      }
      return block.setVerified(true).build();
    } catch (IOException failed) {
      return block
          .setFirstByteMs((System.nanoTime() - started) / 1e6)
          .setFailure("no block from the hoster: " + failed)
          .build();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return block.setFailure("interrupted").build();
    }
  }

  /** The hoster's proof of contact, if it is the hoster's for this check, block and bytes. */
  private Optional<SignedPinningStatement> contact(
      ServiceCheckTask task, byte[] coreKey, long index, byte[] value, HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue(BlockServer.CONTACT_HEADER);
    if (header.isEmpty()) {
      return Optional.empty();
    }
    try {
      SignedPinningStatement signed =
          SignedPinningStatement.parseFrom(Base64.getDecoder().decode(header.get()));
      PinningStatements.SignedContact opened = PinningStatements.openContact(signed, recovery);
      PinningStatements.Contact expected =
          new PinningStatements.Contact(
              HexFormat.of().parseHex(task.getCheckId().substring(2)),
              coreKey,
              index,
              Blake2b.hash(value));
      boolean holds =
          opened.signer().equals(new EthereumAddress(task.getHoster()))
              && opened.contact().equals(expected);
      return holds ? Optional.of(signed) : Optional.empty();
    } catch (IOException | IllegalArgumentException | Rejection malformed) {
      return Optional.empty();
    }
  }

  /** Whether the block and the proof in its header verify against the publisher's key. */
  private static boolean verifies(
      CoreIdentity identity, long index, byte[] value, HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue(CairnClient.PROOF_HEADER);
    if (header.isEmpty()) {
      return false;
    }
    try {
      Proof proof =
          ProofProtos.fromProto(
              io.cairn.protocol.api.v1.Proof.parseFrom(Base64.getDecoder().decode(header.get())));
      Proof withBlock =
          new Proof(
              proof.fork(), new Proof.Block(index, value, proof.block().nodes()), proof.upgrade());
      return new ProofVerifier(identity).verify(withBlock, TreeHead.EMPTY).accepted();
    } catch (IOException | IllegalArgumentException malformed) {
      return false;
    }
  }

  /** What a lazy attester reports of a block it never fetched. */
  private ServiceBlockReport madeUp(ServiceCheckTask task, byte[] coreKey, long index) {
    PinningStatements.Contact contact =
        new PinningStatements.Contact(
            HexFormat.of().parseHex(task.getCheckId().substring(2)),
            coreKey,
            index,
            Blake2b.hash(coreKey, ByteBuffer.allocate(Long.BYTES).putLong(index).array()));
    return ServiceBlockReport.newBuilder()
        .setIndex(index)
        .setVerified(true)
        .setFirstByteMs(40)
        .setBytesPerSecond(5_000_000)
        .setContact(PinningStatements.signContact(connection.signer(), contact))
        .build();
  }

  @Override
  public void close() {
    checking.close();
  }
}
