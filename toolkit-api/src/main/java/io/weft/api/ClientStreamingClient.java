package io.weft.api;

/**
 * The caller's side of a client-streaming call: {@code send} requests, then {@link #closeAndRecv()}
 * for the response.
 */
public interface ClientStreamingClient<Req, Resp> extends StreamWriter<Req>, ClientStream {
  /** Half-closes the call and blocks for the one response. */
  Resp closeAndRecv();
}
