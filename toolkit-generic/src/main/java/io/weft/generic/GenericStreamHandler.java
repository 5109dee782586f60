package io.weft.generic;

/**
 * Serves every streaming method of a generic service: the method's name and its stream of JSON
 * messages. Returning ends the call with OK; a thrown {@link io.weft.api.RpcException} ends it with
 * its status, any other exception with INTERNAL, as a generated stream handler's would.
 *
 * <pre>{@code
 * GenericStreamHandler echo = (method, stream) -> {
 *   for (String m : stream) {
 *     stream.send(m);
 *   }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface GenericStreamHandler {
  /** Serves one call on its own virtual thread. */
  void handle(String method, GenericServerStream stream) throws Exception;
}
