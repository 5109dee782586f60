package ${package};

import ${package}.greeter.Greeter;
import ${package}.greeter.HelloReply;
import ${package}.greeter.HelloRequest;

/** The Thrift service's handler: each call runs on its own virtual thread, so it may block. */
public final class GreeterHandler implements Greeter {
  @Override
  public HelloReply sayHello(HelloRequest req) {
    return new HelloReply().setMessage("Hello, " + req.getName() + "!");
  }
}
