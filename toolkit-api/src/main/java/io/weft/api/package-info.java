/**
 * Weft's public vocabulary, shared by servers, clients and generated code; it names no transport,
 * Thrift, Protobuf or Helidon type.
 *
 * <p>Starting points: {@link io.weft.api.Status} and {@link io.weft.api.RpcException} (every
 * failure), {@link io.weft.api.CallContext} (what a handler knows about its call), {@link
 * io.weft.api.ClientOptions} and {@link io.weft.api.ServerOptions} (configuration), {@link
 * io.weft.api.CallOptions} (per-call deadline and metadata), and {@link
 * io.weft.api.ServiceDefinition} with {@link io.weft.api.MethodDescriptor} (what generated code
 * registers).
 */
package io.weft.api;
