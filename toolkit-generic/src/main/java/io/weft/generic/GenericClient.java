package io.weft.generic;

import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientOption;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
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

  private GenericClient(ThriftService service, Client client) {
    this.service = service;
    this.client = client;
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
   * bidirectional, client or server), over gRPC whatever transport the client was built with. Its
   * messages are JSON: for Thrift, the object of the method's request or response struct itself,
   * e.g. {@code {"Msg": "hi"}}.
   *
   * @throws IllegalArgumentException if there is no such method, or it does not stream
   */
  public GenericStream stream(String method) {
    return stream(method, CallOptions.DEFAULT);
  }

  /** {@link #stream(String)} with a deadline (covering the whole stream) or metadata of its own. */
  public GenericStream stream(String method, CallOptions options) {
    return GenericStream.open(
        client, service.streamDescriptor(method), service.streamMessages(method), options);
  }

  /**
   * The methods this client can call, in IDL order (base services' first): streaming ones through
   * {@link #stream}, the others through {@code call}.
   */
  public Set<String> methods() {
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
