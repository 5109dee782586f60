package io.weft.examples.interop;

import interop.stream.Request;
import interop.stream.Response;
import interop.stream.StreamService;
import io.weft.api.BidiStreamingServer;
import io.weft.api.ClientStreamingServer;
import io.weft.api.ServerStreamingServer;
import java.util.StringJoiner;

/**
 * {@code StreamService} of {@code stream.thrift}: Thrift payloads over gRPC, as the IDL's comments
 * say.
 */
public class StreamEchoHandler implements StreamService {
  @Override
  public void echoBidi(BidiStreamingServer<Request, Response> stream) {
    for (Request req : stream) {
      stream.send(new Response().setMsg(req.getMsg()));
    }
  }

  @Override
  public void echoClient(ClientStreamingServer<Request, Response> stream) {
    StringJoiner joined = new StringJoiner(",");
    for (Request req : stream) {
      joined.add(String.valueOf(req.getMsg()));
    }
    stream.sendAndClose(new Response().setMsg(joined.toString()));
  }

  @Override
  public void echoServer(Request req, ServerStreamingServer<Response> stream) {
    for (int i = 0; i < EchoStreamCases.SERVER_REPLIES; i++) {
      stream.send(new Response().setMsg(req.getMsg() + "-" + i));
    }
  }
}
