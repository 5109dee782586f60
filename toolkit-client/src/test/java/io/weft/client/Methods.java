package io.weft.client;

import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.internal.wire.StringStruct;

/** Hand-built descriptors (no generated code) of {@code EchoService}: request field 1, result field 0, both strings. */
final class Methods {
  static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>builder()
      .serviceName("EchoService")
      .fullServiceName("test.EchoService")
      .methodName("Echo")
      .kind(MethodKind.UNARY)
      .requestCodec(new StringStruct(1))
      .responseCodec(new StringStruct(0))
      .build();

  private Methods() {}
}
