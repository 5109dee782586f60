package io.weft.api;

/** Serves a bidirectional method; returning ends the call with OK. */
@FunctionalInterface
public non-sealed interface BidiStreamingHandler<Req, Resp> extends MethodHandler<Req, Resp> {
  void handle(BidiStreamingServer<Req, Resp> stream) throws Exception;
}
