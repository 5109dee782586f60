// A Thrift service: served over TTHeader (Kitex's default), Framed and unframed Thrift on one port.
namespace java ${package}.greeter

struct HelloRequest {
    1: string name
}

struct HelloReply {
    1: string message
}

service Greeter {
    HelloReply SayHello(1: HelloRequest req)
}
