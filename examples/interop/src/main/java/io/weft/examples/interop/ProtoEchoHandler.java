package io.weft.examples.interop;

import echo.Echo.Request;
import echo.Echo.Response;
import echo.EchoService;
import io.weft.api.BidiStreamingServer;
import io.weft.api.ClientStreamingServer;
import io.weft.api.ServerStreamingServer;
import java.util.StringJoiner;

/**
 * {@code EchoService} of the seed's {@code echo.proto}, answering like {@code StreamService} (the
 * seed's own handlers stream "world" forever, which no test can check): bidi echoes each message,
 * client streaming joins them with ",", server streaming answers {@code msg-0} … {@code msg-9}.
 */
public class ProtoEchoHandler implements EchoService {
  @Override
  public void clientSideStreaming(ClientStreamingServer<Request, Response> stream) {
    StringJoiner joined = new StringJoiner(",");
    for (Request req : stream) {
      joined.add(req.getMsg());
    }
    stream.sendAndClose(Response.newBuilder().setMsg(joined.toString()).build());
  }

  @Override
  public void serverSideStreaming(Request req, ServerStreamingServer<Response> stream) {
    for (int i = 0; i < EchoStreamCases.SERVER_REPLIES; i++) {
      stream.send(Response.newBuilder().setMsg(req.getMsg() + "-" + i).build());
    }
  }

  @Override
  public void bidiSideStreaming(BidiStreamingServer<Request, Response> stream) {
    for (Request req : stream) {
      stream.send(Response.newBuilder().setMsg(req.getMsg()).build());
    }
  }
}
