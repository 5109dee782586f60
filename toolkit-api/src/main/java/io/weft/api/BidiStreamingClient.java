package io.weft.api;

/**
 * The caller's side of a bidirectional call: {@code send} and {@code recv} independently (one
 * thread each, as the Go examples use two goroutines), {@link #closeSend()} when done sending.
 */
public interface BidiStreamingClient<Req, Resp>
    extends StreamReader<Resp>, StreamWriter<Req>, ClientStream {
  /** Tells the server that no more requests come; responses still arrive. */
  void closeSend();
}
