package io.weft.api;

/**
 * One step of a call, as {@link Middleware} sees it (Kitex's {@code endpoint.Endpoint}): takes the
 * request, returns the response (null for oneway) or throws what the call failed with.
 */
@FunctionalInterface
public interface Endpoint {
  Object call(Invocation invocation, Object request) throws Exception;
}
