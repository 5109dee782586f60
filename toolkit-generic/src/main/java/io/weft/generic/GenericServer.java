package io.weft.generic;

import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.ServiceDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.gen.model.Definition;
import io.weft.internal.wire.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Serves a Thrift service without generated code: the IDL is read at run time and one {@link
 * GenericHandler} gets every call's arguments as JSON and returns its result as JSON; a {@link
 * GenericStreamHandler} serves the streaming methods. The {@link ServiceDefinition} it gives is
 * added to a {@code Server} like a generated one.
 */
public final class GenericServer {
  private GenericServer() {}

  /**
   * The definition of {@code service} as {@code idl} declares it, served by {@code handler}.
   *
   * @throws IllegalArgumentException if the IDL does not load or has no such service
   */
  public static ServiceDefinition thrift(List<Path> idl, String service, GenericHandler handler) {
    return thrift(idl, List.of(), service, handler);
  }

  /** The same, with directories to search for included files after each file's own. */
  public static ServiceDefinition thrift(
      List<Path> idl, List<Path> includeDirs, String service, GenericHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return thrift(idl, includeDirs, service, handler, null);
  }

  /**
   * The definition of {@code service} as {@code idl} declares it: its unary and oneway methods
   * served by {@code handler}, its streaming methods ({@code streaming.mode} bidirectional, client
   * or server) by {@code streamHandler}. Either may be null: the methods it would serve then answer
   * UNIMPLEMENTED at once. Every method is served over gRPC too (the server's port detects it).
   *
   * @throws IllegalArgumentException if the IDL does not load or has no such service
   */
  public static ServiceDefinition thrift(
      List<Path> idl, String service, GenericHandler handler, GenericStreamHandler streamHandler) {
    return thrift(idl, List.of(), service, handler, streamHandler);
  }

  /** The same, with directories to search for included files after each file's own. */
  public static ServiceDefinition thrift(
      List<Path> idl,
      List<Path> includeDirs,
      String service,
      GenericHandler handler,
      GenericStreamHandler streamHandler) {
    ThriftService s = ThriftService.load(idl, includeDirs, service);
    ServiceDefinition.Builder b = ServiceDefinition.builder(s.name(), s.fullName());
    for (MethodDescriptor<ThriftMessage, ThriftMessage> d : s.descriptors().values()) {
      if (d.kind().isStreaming()) {
        GenericStreams.register(b, d, s.streamMessages(d.methodName()), streamHandler);
        continue;
      }
      Definition.Function fn = s.function(d.methodName());
      b.unary(d, request -> serve(s, fn, d, handler, request));
    }
    return b.build();
  }

  /**
   * The definition of the Protobuf service {@code service} (full or unique simple name) as {@code
   * descriptors} define it, its unary methods served by {@code handler}: the method's name and the
   * request message as JSON in, the response message as JSON out (the canonical proto3 mapping;
   * null or empty for the empty message). It answers over gRPC and over TTHeader with Kitex
   * Protobuf; streaming methods answer {@code UNIMPLEMENTED}. Throw an {@link
   * io.weft.api.RpcException} to fail a call with a status of your choosing; a reply that does not
   * fit the response message fails it with {@code INTERNAL}. The server's reflection lists the
   * service.
   *
   * @throws IllegalArgumentException if there is no such service
   */
  public static ServiceDefinition proto(
      ProtoDescriptors descriptors, String service, GenericHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return proto(descriptors, service, handler, null);
  }

  /**
   * The same, with {@code streamHandler} serving the streaming methods over gRPC, each message the
   * JSON of its Protobuf message. Either handler may be null: the methods it would serve then
   * answer {@code UNIMPLEMENTED} at once.
   *
   * @throws IllegalArgumentException if there is no such service
   */
  public static ServiceDefinition proto(
      ProtoDescriptors descriptors,
      String service,
      GenericHandler handler,
      GenericStreamHandler streamHandler) {
    return new ProtoCalls(new ProtoService(descriptors, service))
        .definition(handler, streamHandler);
  }

  private static ThriftMessage serve(
      ThriftService s,
      Definition.Function fn,
      MethodDescriptor<?, ?> d,
      GenericHandler handler,
      ThriftMessage request)
      throws Exception {
    requireHandler(handler, d);
    String args = Json.write(request.decoded());
    String result;
    try {
      result = handler.handle(fn.name(), args);
    } catch (GenericException e) {
      if (d.kind() == MethodKind.ONEWAY) {
        return null;
      }
      return ThriftMessage.encoded(checked(() -> s.encodeException(fn, e), fn));
    }
    if (d.kind() == MethodKind.ONEWAY) {
      return null;
    }
    String json =
        result == null || result.isBlank() ? null : result; // null, "" and "null" alike for void
    return ThriftMessage.encoded(checked(() -> s.encodeSuccess(fn, json), fn));
  }

  /**
   * A unary or oneway method of a server built without a {@link GenericHandler} is unimplemented.
   */
  static void requireHandler(GenericHandler handler, MethodDescriptor<?, ?> d) {
    if (handler == null) {
      throw Status.of(
              StatusCode.UNIMPLEMENTED,
              d.fullServiceName() + "/" + d.methodName() + " has no handler on this generic server")
          .asException();
    }
  }

  /** A reply that does not fit the IDL fails the call with INTERNAL, naming what is wrong. */
  private static byte[] checked(
      java.util.function.Supplier<byte[]> encode, Definition.Function fn) {
    try {
      return encode.get();
    } catch (IllegalArgumentException e) {
      throw Status.of(
              StatusCode.INTERNAL,
              "the generic handler's reply to "
                  + fn.name()
                  + " does not fit the IDL: "
                  + e.getMessage())
          .withCause(e)
          .asException();
    }
  }
}
