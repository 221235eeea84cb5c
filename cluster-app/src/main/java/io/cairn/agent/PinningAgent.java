package io.cairn.agent;

/** A pinning agent's work: what it does on each poll of its tasks, until it is closed. */
public interface PinningAgent extends AutoCloseable {
  AgentRole role();

  /**
   * Asks the node for the agent's tasks and starts on them; throws when the node cannot be reached
   * or refuses ({@link AgentLoop} logs it and polls again).
   */
  void pollOnce();

  @Override
  void close();
}
