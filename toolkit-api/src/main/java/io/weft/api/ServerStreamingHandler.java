package io.weft.api;

/**
 * Serves a server-streaming method: one request in, responses sent on the stream; returning ends
 * the call with OK.
 */
@FunctionalInterface
public non-sealed interface ServerStreamingHandler<Req, Resp> extends MethodHandler<Req, Resp> {
  void handle(Req request, ServerStreamingServer<Resp> stream) throws Exception;
}
