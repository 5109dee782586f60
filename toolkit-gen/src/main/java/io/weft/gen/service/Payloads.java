package io.weft.gen.service;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.List;

/**
 * What differs between IDLs in a service's code: how messages are encoded, and how a unary method's
 * parameters, result and declared exceptions travel (Thrift packs them into {@code *Args} and
 * {@code *Result} structs; protobuf sends the request and response messages as they are).
 */
public interface Payloads {
  /** The codec expression of message type {@code type}. */
  CodeBlock codec(TypeName type);

  /** The classes nested in the descriptor for {@code m}, one of the service's own methods. */
  List<TypeSpec> descriptorTypes(MethodModel m);

  /**
   * The body of a unary or oneway client method that has the handler's parameters and {@code
   * callOptions}.
   */
  CodeBlock clientCall(MethodModel m, ClassName descriptor);

  /**
   * The registration of a unary or oneway method in the service definition, from {@code .unary(}.
   */
  CodeBlock serverRegistration(MethodModel m, ClassName descriptor);

  /**
   * What the service definition adds after the methods (protobuf: the file descriptor), or empty.
   */
  CodeBlock definitionExtras();
}
