package io.cairn.cluster;

import com.typesafe.config.Config;
import io.cairn.journal.JournalSettings;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.charset.StandardCharsets;

/**
 * The cluster's own signing key (secp256k1, an Ethereum address): what the cluster says to
 * untrusted parties, such as a key custodian's group key responses and a persistor's checkpoints,
 * is signed with it. Every node of a cluster holds the same key, read from {@code
 * cairn.service.key-file} (a private key as 64 hex digits, optionally after {@code 0x}), by the
 * rules of {@link SecretFile}: generated on first start of an embedded node.
 */
public final class ServiceIdentity {
  public static final String SETTING = "cairn.service.key-file";

  private final PrivateKeySigner key;
  private final EventSigner events;

  private ServiceIdentity(PrivateKeySigner key) {
    this.key = key;
    this.events = new EventSigner(key);
  }

  public static ServiceIdentity of(PrivateKeySigner key) {
    return new ServiceIdentity(key);
  }

  /** The identity in the node's key file, created there first on an embedded node. */
  public static ServiceIdentity fromConfig(Config config, JournalSettings.Kind journal) {
    SecretFile file = SecretFile.fromConfig(config, SETTING, "service.key", journal);
    byte[] text =
        file.readOrCreate(
            () -> PrivateKeySigner.generate().toHex().getBytes(StandardCharsets.US_ASCII));
    try {
      return new ServiceIdentity(
          PrivateKeySigner.fromHex(new String(text, StandardCharsets.US_ASCII).strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          SETTING + " " + file.path() + " does not hold a private key: " + e.getMessage());
    }
  }

  public EthereumAddress address() {
    return key.address();
  }

  /** The signing key, for parts that sign other things than stream messages (checkpoints). */
  public EvmSigner signer() {
    return key;
  }

  /** {@code unsigned} published and signed by the service address. */
  public StreamMessage sign(StreamMessage unsigned) {
    return events.sign(unsigned);
  }

  @Override
  public String toString() {
    return "ServiceIdentity[" + key.address() + "]";
  }
}
