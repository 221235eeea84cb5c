package io.cairn.persist;

/** The key custodian answered, without the group key asked for. */
final class MissingGroupKeyException extends IllegalStateException {
  MissingGroupKeyException(String groupKeyId) {
    super("the key custodian did not return group key " + groupKeyId);
  }
}
