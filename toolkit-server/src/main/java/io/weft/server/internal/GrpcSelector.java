package io.weft.server.internal;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2Settings;
import io.helidon.http.http2.Http2StreamState;
import io.helidon.http.http2.Http2StreamWriter;
import io.helidon.http.http2.StreamFlowControl;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.Router;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector;
import io.helidon.webserver.http2.spi.SubProtocolResult;
import io.weft.wire.grpc.GrpcHeaders;

/** Claims every HTTP/2 stream whose content-type is gRPC's, and serves it as a {@link GrpcServerCall}. */
final class GrpcSelector implements Http2SubProtocolSelector {
  private final RealServer server;

  GrpcSelector(RealServer server) {
    this.server = server;
  }

  @Override
  public SubProtocolResult subProtocol(
      ConnectionContext ctx,
      HttpPrologue prologue,
      Http2Headers headers,
      Http2StreamWriter streamWriter,
      int streamId,
      Http2Settings serverSettings,
      Http2Settings clientSettings,
      StreamFlowControl streamFlowControl,
      Http2StreamState currentStreamState,
      Router router) {
    String contentType = headers.httpHeaders().first(HeaderNames.CONTENT_TYPE).orElse(null);
    if (!GrpcHeaders.isGrpc(contentType)) {
      return NOT_SUPPORTED;
    }
    return new SubProtocolResult(true, new GrpcServerCall(ctx, server, headers, streamId, streamFlowControl, currentStreamState));
  }
}
