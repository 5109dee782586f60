package io.weft.api;

/** Serves a client-streaming method: read requests, then {@code sendAndClose} the response. */
@FunctionalInterface
public non-sealed interface ClientStreamingHandler<Req, Resp> extends MethodHandler<Req, Resp> {
  void handle(ClientStreamingServer<Req, Resp> stream) throws Exception;
}
