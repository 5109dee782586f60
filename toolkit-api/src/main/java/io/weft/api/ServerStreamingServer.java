package io.weft.api;

/**
 * What a server-streaming handler writes to: send responses, then return to end the call with OK.
 */
public interface ServerStreamingServer<Resp> extends StreamWriter<Resp> {
  /** The call's context (deadline, metadata, cancellation). */
  CallContext context();
}
