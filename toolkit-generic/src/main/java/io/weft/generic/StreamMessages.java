package io.weft.generic;

/**
 * How the messages of one streaming method turn from and into JSON, whatever the IDL: the part of a
 * generic stream that knows the schema. {@link GenericStream} (the caller's side) and {@link
 * GenericServerStream} (the server's side) run on it, so a Thrift and a Protobuf model plug into
 * the same streams.
 *
 * @param <Req> the request message as the method's descriptor carries it
 * @param <Resp> the response message as the method's descriptor carries it
 */
interface StreamMessages<Req, Resp> {
  /**
   * The request from its JSON text, checked against the IDL.
   *
   * @throws IllegalArgumentException if the text is not JSON or does not fit the request type
   */
  Req toRequest(String json);

  /** A received request as JSON text. */
  String requestJson(Req message);

  /**
   * The response from its JSON text, checked against the IDL.
   *
   * @throws IllegalArgumentException if the text is not JSON or does not fit the response type
   */
  Resp toResponse(String json);

  /** A received response as JSON text. */
  String responseJson(Resp message);
}
