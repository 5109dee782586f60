package io.weft.api;

/**
 * Serves a unary or oneway method: one request in, one response out (null for oneway). It runs on
 * the request's own virtual thread, so it may block; {@link CallContext#current()} gives the call's
 * deadline and metadata. Throw an {@link RpcException} to fail with a chosen status; any other
 * unchecked exception fails the call with {@link StatusCode#INTERNAL} and its message.
 *
 * <p>Only a oneway handler returns null. A unary one that does fails the call with {@code INTERNAL}
 * "handler for {@code <method>} returned null" (over Thrift, a {@code TApplicationException} of
 * type MISSING_RESULT), logged once with the method.
 */
@FunctionalInterface
public non-sealed interface UnaryHandler<Req, Resp> extends MethodHandler<Req, Resp> {
  Resp handle(Req request) throws Exception;
}
