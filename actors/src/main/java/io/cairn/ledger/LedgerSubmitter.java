package io.cairn.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One node's queue in front of the ledger entity: it sends one {@link LedgerBook.SubmitBatch} at a
 * time, holding what arrives meanwhile for the next, so the ledger writes many requests in one
 * journal write when many come at once and a lone request waits for nothing. Measured: one write
 * per request held the embedded ledger near 800 operations a second on H2 however many were in
 * flight (docs/benchmarks.md, "Ledger").
 */
final class LedgerSubmitter {
  /** The most requests in one batch: one journal write stays short. */
  static final int MAX_BATCH = 500;

  sealed interface Message {}

  record Enqueue(LedgerBook.Submit submit) implements Message {}

  private record Written() implements Message {}

  private LedgerSubmitter() {}

  static Behavior<Message> create(EntityRef<LedgerBook.Command> book, Duration askTimeout) {
    return Behaviors.setup(context -> idle(context, book, askTimeout));
  }

  private static Behavior<Message> idle(
      ActorContext<Message> context, EntityRef<LedgerBook.Command> book, Duration askTimeout) {
    return Behaviors.receive(Message.class)
        .onMessage(
            Enqueue.class,
            enqueue -> writing(context, book, askTimeout, List.of(enqueue.submit()), List.of()))
        .onMessage(Written.class, written -> Behaviors.same())
        .build();
  }

  private static Behavior<Message> writing(
      ActorContext<Message> context,
      EntityRef<LedgerBook.Command> book,
      Duration askTimeout,
      List<LedgerBook.Submit> batch,
      List<LedgerBook.Submit> earlier) {
    context.askWithStatus(
        Done.class,
        book,
        askTimeout,
        replyTo -> new LedgerBook.SubmitBatch(batch, replyTo),
        (done, failure) -> new Written());
    List<LedgerBook.Submit> waiting = new ArrayList<>(earlier);
    return Behaviors.receive(Message.class)
        .onMessage(
            Enqueue.class,
            enqueue -> {
              waiting.add(enqueue.submit());
              return Behaviors.same();
            })
        .onMessage(
            Written.class,
            written -> {
              if (waiting.isEmpty()) {
                return idle(context, book, askTimeout);
              }
              List<LedgerBook.Submit> next =
                  List.copyOf(waiting.subList(0, Math.min(MAX_BATCH, waiting.size())));
              return writing(
                  context,
                  book,
                  askTimeout,
                  next,
                  List.copyOf(waiting.subList(next.size(), waiting.size())));
            })
        .build();
  }
}
