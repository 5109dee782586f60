package ${package};

import ${package}.calc.AddReply;
import ${package}.calc.AddRequest;
import ${package}.calc.Calculator;

/** The Protobuf service's handler. */
public final class CalculatorHandler implements Calculator {
  @Override
  public AddReply add(AddRequest req) {
    return AddReply.newBuilder().setSum(req.getA() + req.getB()).build();
  }
}
