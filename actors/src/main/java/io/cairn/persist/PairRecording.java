package io.cairn.persist;

import io.cairn.persist.Persistor.Event;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The persistor's commands on its pairs, kept apart from the entity's file: recording what its
 * followers read, and locating where a catch-up read of pairs starts in its journal. Both decide
 * from the state on the entity's thread.
 */
final class PairRecording {
  private PairRecording() {}

  /** Records the new pairs of a follower's events, and how far it read. */
  static ReplyEffect<Event, PersistorState> record(
      EffectFactories<Event, PersistorState> effect,
      PersistorState state,
      Persistor.Record record) {
    long position = state.position(record.partition());
    List<Event> events =
        new ArrayList<>(
            PairExtraction.newPairs(
                record.pairs(),
                record.partition(),
                position,
                state.pairs().count(),
                state.pairs()::holds));
    long recordedTo =
        events.isEmpty()
            ? position
            : ((Persistor.PairsRecorded) events.get(events.size() - 1)).sequenceNr();
    if (record.readTo() > recordedTo) {
      events.add(new Persistor.PositionsAdvanced(Map.of(record.partition(), record.readTo())));
    }
    if (events.isEmpty()) {
      return effect.reply(record.replyTo(), Done.getInstance());
    }
    return effect.persist(events).thenReply(record.replyTo(), after -> Done.getInstance());
  }

  /** Where pairs [from, to) are in the journal of an appointed persistor, or why not. */
  static ReplyEffect<Event, PersistorState> locate(
      EffectFactories<Event, PersistorState> effect,
      PersistorState state,
      Persistor.Locate command) {
    long count = state.pairs().count();
    long to = command.to() < 0 ? count : command.to();
    if (command.from() < 0 || command.from() > count || to < command.from() || to > count) {
      return effect.reply(
          command.replyTo(),
          StatusReply.error(
              new Rejection(
                  ErrorCode.INVALID_RANGE,
                  String.format(
                      "pairs [%d, %s) are not within the %d pairs the persistor holds; ask for"
                          + " 0 <= from <= to <= %d",
                      command.from(), command.to() < 0 ? "count" : command.to(), count, count))));
    }
    return effect.reply(
        command.replyTo(),
        StatusReply.success(
            new Persistor.Located(
                command.from(), to, count, state.pairs().sequenceNrOf(command.from()))));
  }
}
