package ${package};

import ${package}.calc.calculator.CalculatorServer;
import ${package}.greeter.greeter.GreeterServer;
import io.weft.api.ServerOptions;
import io.weft.api.Server;

/** Serves both services on one port (the first argument, else 8888) until SIGTERM or Ctrl-C. */
public final class ServerMain {
  private ServerMain() {}

  /** Both services on {@code port} (0: any free port, see {@link Server#port()}); not yet started. */
  public static Server newServer(int port) {
    return Server.builder()
        .addService(GreeterServer.definition(new GreeterHandler()))
        .addService(CalculatorServer.definition(new CalculatorHandler()))
        .options(ServerOptions.withPort(port))
        .build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
    Server server = newServer(port).start();
    System.out.println("serving Greeter (Thrift) and Calculator (Protobuf) on port " + server.port());
    server.run();
  }
}
