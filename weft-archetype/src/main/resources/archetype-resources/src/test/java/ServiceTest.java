package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import ${package}.calc.AddRequest;
import ${package}.calc.calculator.CalculatorClient;
import ${package}.greeter.HelloRequest;
import ${package}.greeter.greeter.GreeterClient;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import io.weft.api.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Starts the server on a free port and calls it as ClientMain does. */
@Timeout(30)
class ServiceTest {
  private Server server;
  private String address;

  @BeforeEach
  void start() {
    server = ServerMain.newServer(0).start();
    address = "127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void greeterAnswersOverTTHeader() {
    try (var client = GreeterClient.newClient("greeter", ClientOptions.withHostPorts(address))) {
      assertEquals("Hello, Weft!", client.sayHello(new HelloRequest().setName("Weft")).getMessage());
    }
  }

  @Test
  void calculatorAnswersOverGrpc() {
    try (var client = CalculatorClient.newClient("calculator",
        ClientOptions.withHostPorts(address), ClientOptions.withTransport(Transport.GRPC))) {
      assertEquals(5, client.add(AddRequest.newBuilder().setA(2).setB(3).build()).getSum());
    }
  }
}
