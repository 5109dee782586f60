package io.weft.gen.service;

import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * One method of a service as generated code sees it, whatever IDL it came from.
 *
 * @param idlName the name the IDL gives it (in gRPC paths and TTHeader)
 * @param javaName the Java method name
 * @param constant the name of its descriptor constant
 * @param kind how its messages flow
 * @param doc its documentation, or null
 * @param request the type the descriptor carries as request (Thrift unary: the {@code *Args}
 *     struct)
 * @param response the type the descriptor carries as response (Thrift unary: the {@code *Result}
 *     struct; {@code Void} for oneway)
 * @param params the parameters of the handler and client methods (streaming: the one request, if
 *     the client sends a single one)
 * @param returns what the handler and client methods of a unary method return
 * @param handlerExceptions what the handler method declares
 * @param clientExceptions what the client method declares
 * @param grpcOnly whether a unary method must travel over gRPC (Kitex's {@code
 *     streaming.mode="unary"})
 */
public record MethodModel(
    String idlName,
    String javaName,
    String constant,
    MethodKind kind,
    String doc,
    TypeName request,
    TypeName response,
    List<ParameterSpec> params,
    TypeName returns,
    List<TypeName> handlerExceptions,
    List<TypeName> clientExceptions,
    boolean grpcOnly) {

  public MethodModel {
    params = List.copyOf(params);
    handlerExceptions = List.copyOf(handlerExceptions);
    clientExceptions = List.copyOf(clientExceptions);
  }
}
