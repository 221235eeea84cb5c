package io.cairn.cli.core;

/** A core command cannot go on; the message is the one line the user sees. */
final class CoreCommandException extends RuntimeException {
  CoreCommandException(String message) {
    super(message);
  }
}
