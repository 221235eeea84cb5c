package io.cairn.serialization;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Base of every Cairn serializer: each domain class is bound to a short, stable manifest and to the
 * protobuf message it is written as. Manifests are stored in the journal, so they never change once
 * released.
 */
public abstract class ProtobufSerializer extends SerializerWithStringManifest {
  /** Reads one domain value from the bytes of its protobuf message. */
  @FunctionalInterface
  protected interface Reader<T> {
    T read(byte[] bytes) throws InvalidProtocolBufferException;
  }

  private record Binding<T>(
      String manifest, Class<T> type, Function<T, MessageLite> writer, Reader<T> reader) {
    byte[] write(Object value) {
      return writer.apply(type.cast(value)).toByteArray();
    }
  }

  private final int identifier;
  private final ActorRefResolver actorRefResolver;
  private final Map<Class<?>, Binding<?>> byClass = new HashMap<>();
  private final Map<String, Binding<?>> byManifest = new HashMap<>();

  protected ProtobufSerializer(ExtendedActorSystem system, int identifier) {
    this.identifier = identifier;
    this.actorRefResolver = ActorRefResolver.get(Adapter.toTyped(system));
  }

  protected final <T> void bind(
      String manifest, Class<T> type, Function<T, MessageLite> writer, Reader<T> reader) {
    Binding<T> binding = new Binding<>(manifest, type, writer, reader);
    if (byManifest.putIfAbsent(manifest, binding) != null
        || byClass.putIfAbsent(type, binding) != null) {
      throw new IllegalStateException("manifest " + manifest + " or " + type + " is bound twice");
    }
  }

  protected final String serialize(ActorRef<?> ref) {
    return actorRefResolver.toSerializationFormat(ref);
  }

  protected final <T> ActorRef<T> resolve(String serialized) {
    return actorRefResolver.resolveActorRef(serialized);
  }

  @Override
  public final int identifier() {
    return identifier;
  }

  @Override
  public final String manifest(Object o) {
    return bindingOf(o).manifest();
  }

  @Override
  public final byte[] toBinary(Object o) {
    return bindingOf(o).write(o);
  }

  @Override
  public final Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    Binding<?> binding = byManifest.get(manifest);
    if (binding == null) {
      throw new NotSerializableException(
          getClass().getSimpleName() + " has no binding for manifest '" + manifest + "'");
    }
    try {
      return binding.reader().read(bytes);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      NotSerializableException failure =
          new NotSerializableException(
              "cannot read " + binding.type().getSimpleName() + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private Binding<?> bindingOf(Object o) {
    Binding<?> binding = byClass.get(o.getClass());
    if (binding == null) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + " cannot serialize " + o.getClass().getName());
    }
    return binding;
  }
}
