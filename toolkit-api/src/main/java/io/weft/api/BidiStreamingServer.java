package io.weft.api;

/**
 * Both directions of a bidirectional call, on the server. Receive on one thread while sending on
 * another (start it with {@code Thread.ofVirtual()}); returning from the handler ends the call with
 * OK.
 */
public interface BidiStreamingServer<Req, Resp> extends StreamReader<Req>, StreamWriter<Resp> {
  /**
   * The call's deadline, metadata, caller and metainfo, as {@link CallContext#current()} gives them
   * in a unary handler.
   */
  CallContext context();
}
