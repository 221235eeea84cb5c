package io.cairn.protocol.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.cairn.protocol.api.v1.ApiProto;
import io.cairn.protocol.api.v1.CoreProto;
import io.cairn.protocol.api.v1.EventProto;
import io.cairn.protocol.api.v1.KeysProto;
import io.cairn.protocol.api.v1.LedgerProto;
import io.cairn.protocol.api.v1.MarketProto;
import io.cairn.protocol.api.v1.PersistProto;
import io.cairn.protocol.api.v1.PinningProto;
import io.cairn.protocol.api.v1.StreamProto;
import io.cairn.protocol.api.v1.WebSocketProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API, version 1, as released: every field of every message under {@code cairn/api/v1}
 * with its number, type and label, and every enum value with its number, as {@code
 * public-api-v1.txt} holds them. A field renumbered, retyped, renamed or removed fails here, since
 * clients in the field read the old form; a new field or value fails until it is added to the
 * snapshot, so that what is released is decided, not drifted into.
 */
class PublicApiSnapshotTest {
  private static final String SNAPSHOT = "/public-api-v1.txt";

  private static final List<FileDescriptor> PUBLIC_FILES =
      List.of(
          ApiProto.getDescriptor(),
          EventProto.getDescriptor(),
          CoreProto.getDescriptor(),
          StreamProto.getDescriptor(),
          KeysProto.getDescriptor(),
          PersistProto.getDescriptor(),
          LedgerProto.getDescriptor(),
          MarketProto.getDescriptor(),
          PinningProto.getDescriptor(),
          WebSocketProto.getDescriptor());

  @Test
  void everyReleasedFieldKeepsItsNumberAndType() throws IOException {
    List<String> differences = differences(snapshot(), entries(PUBLIC_FILES));
    assertTrue(differences.isEmpty(), String.join("\n", differences));
  }

  @Test
  void everyFileOfThePublicApiIsHeldToTheSnapshot() throws IOException {
    Path sources = Path.of("src/main/proto/cairn/api/v1");
    try (Stream<Path> files = Files.list(sources)) {
      assertEquals(
          files.map(file -> "cairn/api/v1/" + file.getFileName()).sorted().toList(),
          PUBLIC_FILES.stream().map(FileDescriptor::getName).sorted().toList(),
          "a file under " + sources + " is missing from PUBLIC_FILES, or the other way round");
    }
  }

  @Test
  void aRenumberedOrRetypedFieldIsReported() throws Exception {
    FileDescriptorProto.Builder changed = EventProto.getDescriptor().toProto().toBuilder();
    FieldDescriptorProto.Builder streamId =
        changed.getMessageTypeBuilderList().stream()
            .filter(message -> message.getName().equals("MessageId"))
            .findFirst()
            .orElseThrow()
            .getFieldBuilder(0);
    streamId.setNumber(7).setType(FieldDescriptorProto.Type.TYPE_BYTES);

    List<String> differences = differences(snapshot(), entries(List.of(rebuilt(changed.build()))));

    assertTrue(
        differences.contains("changed: cairn.api.v1.MessageId.stream_id was 1 string, is 7 bytes"),
        String.join("\n", differences));
  }

  /**
   * Each released name and what it is, e.g. {@code cairn.api.v1.MessageId.stream_id} to {@code 1
   * string}.
   */
  static Map<String, String> entries(List<FileDescriptor> files) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (FileDescriptor file : files) {
      file.getMessageTypes().forEach(message -> addMessage(message, entries));
      file.getEnumTypes().forEach(enumType -> addEnum(enumType, entries));
    }
    return entries;
  }

  private static void addMessage(Descriptor message, Map<String, String> entries) {
    for (FieldDescriptor field : message.getFields()) {
      String type =
          switch (field.getJavaType()) {
            case MESSAGE -> field.getMessageType().getFullName();
            case ENUM -> field.getEnumType().getFullName();
            default -> field.getType().name().toLowerCase(Locale.ROOT);
          };
      String label = "";
      if (field.isRepeated()) {
        label = " repeated";
      } else if (field.getRealContainingOneof() != null) {
        label = " oneof " + field.getRealContainingOneof().getName();
      } else if (field.toProto().getProto3Optional()) {
        label = " optional";
      }
      entries.put(field.getFullName(), field.getNumber() + " " + type + label);
    }
    message.getNestedTypes().forEach(nested -> addMessage(nested, entries));
    message.getEnumTypes().forEach(enumType -> addEnum(enumType, entries));
  }

  private static void addEnum(EnumDescriptor enumType, Map<String, String> entries) {
    for (EnumValueDescriptor value : enumType.getValues()) {
      entries.put(
          enumType.getFullName() + "." + value.getName(), String.valueOf(value.getNumber()));
    }
  }

  private static List<String> differences(Map<String, String> released, Map<String, String> now) {
    List<String> differences = new ArrayList<>();
    released.forEach(
        (name, was) -> {
          String is = now.get(name);
          if (is == null) {
            differences.add("removed or renamed: " + name + " (" + was + ")");
          } else if (!is.equals(was)) {
            differences.add("changed: " + name + " was " + was + ", is " + is);
          }
        });
    now.forEach(
        (name, is) -> {
          if (!released.containsKey(name)) {
            differences.add(
                "new: add the line '" + name + " = " + is + "' to " + SNAPSHOT + " to release it");
          }
        });
    return differences;
  }

  private static Map<String, String> snapshot() throws IOException {
    try (InputStream in = PublicApiSnapshotTest.class.getResourceAsStream(SNAPSHOT)) {
      Map<String, String> released = new LinkedHashMap<>();
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .forEach(
              line -> {
                int separator = line.indexOf(" = ");
                released.put(line.substring(0, separator), line.substring(separator + 3));
              });
      return released;
    }
  }

  private static FileDescriptor rebuilt(FileDescriptorProto proto)
      throws DescriptorValidationException {
    return FileDescriptor.buildFrom(proto, new FileDescriptor[0]);
  }
}
