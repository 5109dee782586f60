package io.weft.api;

/**
 * The sending side of a stream. {@link #send} blocks while HTTP/2 flow control holds the message
 * back (a slow reader slows the writer instead of growing memory) and fails with an {@link
 * RpcException} once the call is cancelled, past its deadline, or reset.
 */
public interface StreamWriter<T> {
  void send(T message);
}
