package io.weft.generic;

import com.google.protobuf.DynamicMessage;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.MethodDescriptor;
import io.weft.api.ServiceDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.util.Map;

/**
 * The Protobuf side of {@link GenericClient} and {@link GenericServer}: unary calls of a {@link
 * ProtoService} with JSON (or {@code Map}) in and out, over whichever transport the client uses
 * (gRPC, or TTHeader with Kitex Protobuf).
 */
final class ProtoCalls {
  private final ProtoService service;

  ProtoCalls(ProtoService service) {
    this.service = service;
  }

  ProtoService service() {
    return service;
  }

  /** Calls {@code method} with its request message as JSON; returns the response as JSON. */
  String call(Client client, String method, String json, CallOptions options) {
    MethodDescriptor<DynamicMessage, DynamicMessage> d = service.unary(method);
    DynamicMessage request = service.json().parse(service.inputType(method), json);
    return service.json().print(client.unary(d, request, options));
  }

  /** The Map form: the request message as a value, the response as one. */
  Object call(Client client, String method, Map<String, ?> args, CallOptions options) {
    MethodDescriptor<DynamicMessage, DynamicMessage> d = service.unary(method);
    DynamicMessage request = service.json().parseValue(service.inputType(method), args);
    return service.json().printValue(client.unary(d, request, options));
  }

  /**
   * The definition of the service: its unary methods handled by {@code handler} with the request as
   * JSON, its streaming methods by {@code streamHandler}; either may be null, and the methods it
   * would serve answer {@code UNIMPLEMENTED}. The service's .proto file is attached, so that the
   * server's reflection lists it.
   */
  ServiceDefinition definition(GenericHandler handler, GenericStreamHandler streamHandler) {
    ServiceDefinition.Builder b =
        ServiceDefinition.builder(service.service().getName(), service.service().getFullName())
            .schema(service.service().getFile());
    for (MethodDescriptor<DynamicMessage, DynamicMessage> d : service.descriptors().values()) {
      if (d.kind().isStreaming()) {
        GenericStreams.register(b, d, service.streamMessages(d.methodName()), streamHandler);
      } else {
        b.unary(d, request -> serve(d, handler, request));
      }
    }
    return b.build();
  }

  private DynamicMessage serve(
      MethodDescriptor<DynamicMessage, DynamicMessage> d,
      GenericHandler handler,
      DynamicMessage request)
      throws Exception {
    GenericServer.requireHandler(handler, d);
    String reply = handler.handle(d.methodName(), service.json().print(request));
    try {
      return service.json().parse(service.outputType(d.methodName()), reply);
    } catch (IllegalArgumentException e) {
      throw Status.of(
              StatusCode.INTERNAL,
              "the generic handler's reply to "
                  + d.methodName()
                  + " does not fit: "
                  + e.getMessage())
          .withCause(e)
          .asException();
    }
  }
}
