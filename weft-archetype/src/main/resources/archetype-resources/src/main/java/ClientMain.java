package ${package};

import ${package}.calc.AddRequest;
import ${package}.calc.calculator.CalculatorClient;
import ${package}.greeter.HelloRequest;
import ${package}.greeter.greeter.GreeterClient;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;

/** Calls both services at the address of the first argument (else 127.0.0.1:8888). */
public final class ClientMain {
  private ClientMain() {}

  public static void main(String[] args) {
    String address = args.length > 0 ? args[0] : "127.0.0.1:8888";
    try (var greeter = GreeterClient.newClient("greeter", ClientOptions.withHostPorts(address));
        var calculator = CalculatorClient.newClient("calculator",
            ClientOptions.withHostPorts(address), ClientOptions.withTransport(Transport.GRPC))) {
      System.out.println(greeter.sayHello(new HelloRequest().setName("Weft")).getMessage());
      System.out.println("2 + 3 = " + calculator.add(AddRequest.newBuilder().setA(2).setB(3).build()).getSum());
    }
  }
}
