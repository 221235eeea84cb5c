package io.cairn.protocol.encryption;

/**
 * The group key an encrypted message names is not among the keys at hand: the subscriber has to ask
 * the publisher for it with a group key request.
 */
public final class UnknownGroupKeyException extends EncryptionException {
  private final String groupKeyId;

  UnknownGroupKeyException(String groupKeyId) {
    super("no group key with id \"" + groupKeyId + "\" is known");
    this.groupKeyId = groupKeyId;
  }

  /** The id the message names. */
  public String groupKeyId() {
    return groupKeyId;
  }
}
