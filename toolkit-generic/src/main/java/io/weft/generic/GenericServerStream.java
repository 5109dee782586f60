package io.weft.generic;

import io.weft.api.CallContext;
import io.weft.api.MethodKind;
import io.weft.api.StreamReader;
import io.weft.api.StreamWriter;

/**
 * The server's side of a streaming generic call, with its messages as JSON (for Thrift, the object
 * of the method's request or response struct itself; for Protobuf, the message in the proto3 JSON
 * mapping), as a {@link StreamReader} of the requests (a for-each loop reads them) and a {@link
 * StreamWriter} of the responses. One shape for every kind of stream:
 *
 * <ul>
 *   <li>Bidirectional: {@link #recv()} and {@link #send} independently (one thread each).
 *   <li>Client streaming: {@link #recv()} until {@code null}, then {@link #send} the one response,
 *       which ends the call with OK; returning without it fails the call with INTERNAL.
 *   <li>Server streaming: {@link #recv()} gives the one request, then {@code null}; {@link #send}
 *       the responses and return.
 * </ul>
 */
public interface GenericServerStream extends StreamReader<String>, StreamWriter<String> {
  /** The method's name. */
  String method();

  /** How the method streams. */
  MethodKind kind();

  /**
   * The next request as JSON, or {@code null} once the caller has finished sending.
   *
   * @throws io.weft.api.RpcException if the call was cancelled, is past its deadline or was reset
   */
  @Override
  String recv();

  /**
   * Sends one response as JSON; blocks while HTTP/2 flow control holds it back.
   *
   * @throws io.weft.api.RpcException with INTERNAL if {@code json} does not fit the IDL (nothing is
   *     sent; let it end the call), or if the call has ended
   * @throws IllegalStateException for a second response of a client-streaming call
   */
  @Override
  void send(String json);

  /** The call's deadline, metadata, caller and metainfo. */
  CallContext context();
}
