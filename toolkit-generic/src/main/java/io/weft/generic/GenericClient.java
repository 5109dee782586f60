package io.weft.generic;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOption;
import io.weft.api.ClientOptions;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Transport;
import io.weft.gen.model.Definition;
import io.weft.internal.wire.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Calls any method of a Thrift service without generated code: the IDL is read at run time, the
 * arguments go in as a JSON object and the result comes back as JSON, in the mapping of Kitex's
 * JSON generic call. It runs on a plain {@link Client}, so transports, deadlines, retries,
 * balancing, middleware and TLS work as for a generated client: unary methods go over the client's
 * transport ({@code ClientOptions.withTransport(Transport.GRPC)} for gRPC), streaming methods
 * ({@link #stream}) over gRPC. Thread-safe; share one.
 *
 * <pre>{@code
 * try (GenericClient c = GenericClient.thrift(List.of(Path.of("echo.thrift")), "EchoService",
 *     ClientOptions.withHostPorts("127.0.0.1:8888"))) {
 *   String reply = c.call("Echo", "{\"req\": {\"Msg\": \"hi\"}}"); // {"Msg":"hi"}
 * }
 * }</pre>
 */
public final class GenericClient implements AutoCloseable {
  private final ThriftService service;
  private final Client client;
  private final ProtoCalls proto; // null for a Thrift service

  private GenericClient(ThriftService service, Client client) {
    this.service = service;
    this.client = client;
    this.proto = null;
  }

  private GenericClient(ProtoCalls proto, Client client) {
    this.service = null;
    this.client = client;
    this.proto = proto;
  }

  /**
   * A client of {@code service} as {@code idl} declares it (includes are searched next to each
   * file). The client's destination service name is {@code service}.
   *
   * @throws IllegalArgumentException if the IDL does not load or has no such service
   */
  public static GenericClient thrift(List<Path> idl, String service, ClientOption... options) {
    return thrift(idl, List.of(), service, options);
  }

  /** The same, with directories to search for included files after each file's own. */
  public static GenericClient thrift(
      List<Path> idl, List<Path> includeDirs, String service, ClientOption... options) {
    ThriftService s = ThriftService.load(idl, includeDirs, service);
    return new GenericClient(s, Client.newClient(service, options));
  }

  /**
   * A client of the Protobuf service {@code service} (its full name, or its simple name when that
   * is unique) as {@code descriptors} define it: from a descriptor set, .proto files or a server's
   * reflection. Its methods are called with the request message as JSON and return the response
   * message as JSON, in the canonical proto3 JSON mapping (what grpcurl and JsonFormat print).
   * Calls go over gRPC unless {@code options} choose another transport: {@code
   * withTransport(Transport.TTHEADER)} (or {@code TTHEADER_FRAMED}, {@code FRAMED}) speaks Kitex
   * Protobuf, as a generated Protobuf client does.
   *
   * @throws IllegalArgumentException if there is no such service
   */
  public static GenericClient proto(
      ProtoDescriptors descriptors, String service, ClientOption... options) {
    ProtoService s = new ProtoService(descriptors, service);
    return new GenericClient(new ProtoCalls(s), Client.newClient(service, grpcFirst(options)));
  }

  /**
   * A client of the Protobuf service {@code service} whose descriptors come from the server's gRPC
   * reflection (v1, else v1alpha), asked once here with the client itself; otherwise as {@link
   * #proto(ProtoDescriptors, String, ClientOption...)}.
   *
   * @throws IllegalArgumentException if the server's reflection does not know {@code service}
   * @throws io.weft.api.RpcException if reflection fails (e.g. {@code UNIMPLEMENTED} when the
   *     server has none)
   */
  public static GenericClient protoReflection(String service, ClientOption... options) {
    Client c = Client.newClient(service, grpcFirst(options));
    try {
      ProtoDescriptors d = ProtoDescriptors.fromReflection(c, CallOptions.DEFAULT, service);
      return new GenericClient(new ProtoCalls(new ProtoService(d, service)), c);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** {@code options} after gRPC as the transport, so that they may choose another. */
  private static ClientOption[] grpcFirst(ClientOption... options) {
    ClientOption[] all = new ClientOption[options.length + 1];
    all[0] = ClientOptions.withTransport(Transport.GRPC);
    System.arraycopy(options, 0, all, 1, options.length);
    return all;
  }

  /**
   * Calls {@code method} with its arguments as a JSON object by parameter name ({@code {"req":
   * {...}}}; empty or {@code {}} for none) and returns the result as JSON: the return value, or
   * {@code null} for a void method. A oneway method returns {@code null} once the request is
   * written.
   *
   * @throws IllegalArgumentException if there is no such method or the JSON does not fit the IDL
   *     (nothing is sent then)
   * @throws GenericException if the server replied with an exception the method declares
   * @throws io.weft.api.RpcException if the call failed
   */
  public String call(String method, String jsonArgs) {
    return call(method, jsonArgs, CallOptions.DEFAULT);
  }

  /** {@link #call(String, String)} with a deadline or metadata of its own. */
  public String call(String method, String jsonArgs, CallOptions options) {
    if (proto != null) {
      return proto.call(client, method, jsonArgs, options);
    }
    Definition.Function fn = service.function(method);
    MethodDescriptor<ThriftMessage, ThriftMessage> d = service.descriptor(method);
    ThriftMessage request = ThriftMessage.encoded(service.encodeArgs(fn, jsonArgs));
    if (d.kind() == MethodKind.ONEWAY) {
      client.oneway(d, request, options);
      return null;
    }
    ThriftMessage reply = client.unary(d, request, options);
    return service.outcome(fn, (ThriftMessage.Outcome) reply.decoded());
  }

  /**
   * The Map form of {@link #call(String, String)}: the arguments as values by parameter name and
   * the result as a value, both as {@link Json} reads and writes them ({@code Map}, {@code List},
   * {@code String}, {@code Boolean}, {@code null}; numbers as any of {@code Integer}, {@code Long},
   * {@code BigInteger}, {@code BigDecimal}, {@code Double} on the way in, {@code Long} or {@code
   * Double} on the way out; binary as {@code byte[]} or base64 in, base64 out; a set as any {@code
   * Collection}; a map's keys as strings or as the key type's own values).
   */
  public Object call(String method, java.util.Map<String, ?> args) {
    return call(method, args, CallOptions.DEFAULT);
  }

  /** {@link #call(String, java.util.Map)} with a deadline or metadata of its own. */
  public Object call(String method, java.util.Map<String, ?> args, CallOptions options) {
    if (proto != null) {
      return proto.call(client, method, args, options);
    }
    Definition.Function fn = service.function(method);
    MethodDescriptor<ThriftMessage, ThriftMessage> d = service.descriptor(method);
    ThriftMessage request =
        ThriftMessage.encoded(service.encodeArgs(fn, args == null ? java.util.Map.of() : args));
    if (d.kind() == MethodKind.ONEWAY) {
      client.oneway(d, request, options);
      return null;
    }
    ThriftMessage reply = client.unary(d, request, options);
    return service.outcomeValue(fn, (ThriftMessage.Outcome) reply.decoded());
  }

  /**
   * Opens a stream of the streaming method {@code method} (Kitex's {@code streaming.mode}
   * bidirectional, client or server; a Protobuf method that streams), over gRPC, or over TTHeader
   * Streaming for a Thrift method when the client was built with {@code
   * withTransport(Transport.TTHEADER_STREAMING)}. Its messages are JSON: for Thrift, the object of
   * the method's request or response struct itself, e.g. {@code {"Msg": "hi"}}; for Protobuf, the
   * message in the canonical proto3 JSON mapping.
   *
   * @throws IllegalArgumentException if there is no such method, or it does not stream
   */
  public GenericStream stream(String method) {
    return stream(method, CallOptions.DEFAULT);
  }

  /** {@link #stream(String)} with a deadline (covering the whole stream) or metadata of its own. */
  public GenericStream stream(String method, CallOptions options) {
    if (proto != null) {
      ProtoService p = proto.service();
      return GenericStream.open(
          client, p.streamDescriptor(method), p.streamMessages(method), options);
    }
    return GenericStream.open(
        client, service.streamDescriptor(method), service.streamMessages(method), options);
  }

  /**
   * How {@code method} is called: {@link MethodKind#UNARY} or {@link MethodKind#ONEWAY} through
   * {@code call}, a streaming kind through {@link #stream}.
   *
   * @throws IllegalArgumentException if there is no such method
   */
  public MethodKind kind(String method) {
    if (proto != null) {
      return proto.service().method(method).kind();
    }
    service.function(method);
    return service.descriptors().get(method).kind();
  }

  /**
   * The methods this client can call, in IDL order (base services' first): streaming ones through
   * {@link #stream}, the others through {@code call}.
   */
  public Set<String> methods() {
    if (proto != null) {
      return proto.service().descriptors().keySet();
    }
    return service.descriptors().keySet();
  }

  /** The underlying client. */
  public Client client() {
    return client;
  }

  /** Closes the connections. */
  @Override
  public void close() {
    client.close();
  }
}
