package io.weft.client;

import io.weft.api.CallContext;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.ServiceDefinition;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.testing.StringStruct;

/**
 * Hand-built descriptors (no generated code) of {@code test.EchoService}, whose requests and
 * results are Thrift structs of one string field, and a service definition serving them.
 */
final class Methods {
  /** Echo(msg) returns msg. */
  static final MethodDescriptor<String, String> ECHO = unary("Echo");

  /** Fail(msg) fails with FAILED_PRECONDITION and msg as its description. */
  static final MethodDescriptor<String, String> FAIL = unary("Fail");

  /**
   * Context(key) returns what its handler saw: caller, metadata value of key, whether a deadline
   * came.
   */
  static final MethodDescriptor<String, String> CONTEXT = unary("Context");

  private Methods() {}

  /** A unary method of {@code test.EchoService} called {@code name}. */
  static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.<String, String>builder()
        .serviceName("EchoService")
        .fullServiceName("test.EchoService")
        .methodName(name)
        .kind(MethodKind.UNARY)
        .requestCodec(new StringStruct(1))
        .responseCodec(new StringStruct(0))
        .build();
  }

  /** The service, for a real server. */
  static ServiceDefinition service() {
    return ServiceDefinition.builder("EchoService", "test.EchoService")
        .unary(ECHO, msg -> msg)
        .unary(
            FAIL,
            msg -> {
              throw Status.of(StatusCode.FAILED_PRECONDITION, msg).asException();
            })
        .unary(
            CONTEXT,
            key -> {
              CallContext ctx = CallContext.current();
              return "caller="
                  + ctx.callerService()
                  + " "
                  + key
                  + "="
                  + ctx.requestMetadata().get(key)
                  + " deadline="
                  + ctx.deadline().isPresent();
            })
        .build();
  }
}
