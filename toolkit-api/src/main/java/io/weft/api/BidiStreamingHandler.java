package io.weft.api;

/** Serves a bidirectional method; returning ends the call with OK. */
@FunctionalInterface
public non-sealed interface BidiStreamingHandler<Req, Resp> extends MethodHandler<Req, Resp> {
  /**
   * Serves one call on its own virtual thread; a thrown {@link RpcException} ends the call with its
   * status, any other exception with INTERNAL.
   */
  void handle(BidiStreamingServer<Req, Resp> stream) throws Exception;
}
