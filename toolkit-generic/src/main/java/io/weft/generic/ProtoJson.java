package io.weft.generic;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.internal.wire.Json;

/**
 * The canonical proto3 JSON mapping (protobuf-java-util's {@link JsonFormat}, what grpc-java's
 * JsonFormat and grpcurl print): lowerCamelCase field names (the .proto names are accepted too),
 * 64-bit integers as strings, enums by name, bytes as base64, the well-known types in their special
 * forms, {@code Any} resolved against the descriptors. Fields at their default are left out.
 */
final class ProtoJson {
  private final JsonFormat.Parser parser;
  private final JsonFormat.Printer printer;

  ProtoJson(JsonFormat.TypeRegistry types) {
    this.parser = JsonFormat.parser().usingTypeRegistry(types);
    this.printer = JsonFormat.printer().usingTypeRegistry(types).omittingInsignificantWhitespace();
  }

  /**
   * The message of {@code type} that {@code json} holds; empty or blank is the empty message.
   *
   * @throws IllegalArgumentException saying what does not fit
   */
  DynamicMessage parse(Descriptor type, String json) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    if (json == null || json.isBlank()) {
      return b.build();
    }
    try {
      parser.merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the JSON does not fit " + type.getFullName() + ": " + e.getMessage(), e);
    }
    return b.build();
  }

  /** The same from a value as {@link Json} writes it (the Map form); null is the empty message. */
  DynamicMessage parseValue(Descriptor type, Object value) {
    return parse(type, value == null ? null : Json.write(value));
  }

  /** {@code message} as compact JSON. */
  String print(MessageOrBuilder message) {
    try {
      return printer.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw Status.of(
              StatusCode.INTERNAL,
              "cannot print "
                  + message.getDescriptorForType().getFullName()
                  + " as JSON: "
                  + e.getMessage())
          .withCause(e)
          .asException();
    }
  }

  /** {@code message} as a value as {@link Json} reads it (the Map form). */
  Object printValue(MessageOrBuilder message) {
    return Json.parse(print(message));
  }
}
