package io.weft.api;

/**
 * What a client-streaming handler reads from: {@code recv()} requests until null, then {@link
 * #sendAndClose} the one response. Returning without it fails the call with {@code INTERNAL}.
 */
public interface ClientStreamingServer<Req, Resp> extends StreamReader<Req> {
  /** Sends the response and ends the call with OK. */
  void sendAndClose(Resp response);

  CallContext context();
}
