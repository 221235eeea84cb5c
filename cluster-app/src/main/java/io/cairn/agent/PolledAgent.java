package io.cairn.agent;

/** An agent whose work comes from polling its tasks ({@link AgentLoop}), until it is closed. */
public interface PolledAgent extends AutoCloseable {
  /**
   * Asks the node for the agent's tasks and starts on them; throws when the node cannot be reached
   * or refuses ({@link AgentLoop} logs it and polls again).
   */
  void pollOnce();

  @Override
  void close();
}
