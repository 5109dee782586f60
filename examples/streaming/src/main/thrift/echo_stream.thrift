// The seed's echo.proto service in Thrift, for TTHeader Streaming (Kitex StreamX): the same three
// streaming shapes, served on the same port as gRPC, called with
// ClientOptions.withTransport(Transport.TTHEADER_STREAMING).
namespace java echothrift
namespace go echothrift

struct Request {
  1: string msg
}

struct Response {
  1: string msg
}

service StreamEchoService {
  Response ClientSideStreaming(1: Request req) (streaming.mode="client")
  Response ServerSideStreaming(1: Request req) (streaming.mode="server")
  Response BidiSideStreaming(1: Request req) (streaming.mode="bidirectional")
}
