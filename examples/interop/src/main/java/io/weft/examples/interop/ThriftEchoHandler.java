package io.weft.examples.interop;

import interop.thrift.AllTypes;
import interop.thrift.EchoError;
import interop.thrift.EchoService;
import interop.thrift.Request;
import interop.thrift.Response;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** {@code EchoService} of {@code interop.thrift}, exactly as the IDL's comments say. */
public class ThriftEchoHandler implements EchoService {
  /** The longest {@code Sleep} honoured, so that a caller cannot park a thread forever. */
  static final int MAX_SLEEP_MILLIS = 60_000;

  private final ConcurrentHashMap<String, LongAdder> oneways = new ConcurrentHashMap<>();

  @Override
  public Response echo(Request req) {
    return new Response().setMsg(req.getMsg());
  }

  @Override
  public void visitOneway(Request req) {
    oneways.computeIfAbsent(String.valueOf(req.getMsg()), k -> new LongAdder()).increment();
  }

  @Override
  public long onewayCount(String tag) {
    LongAdder n = oneways.get(tag);
    return n == null ? 0 : n.sum();
  }

  @Override
  public AllTypes roundTrip(AllTypes v) {
    return v;
  }

  @Override
  public Response fail(int code, String message) throws EchoError {
    throw new EchoError().setCode(code).setMessage(message);
  }

  @Override
  public Response sleep(int millis) {
    try {
      Thread.sleep(Math.max(0, Math.min(millis, MAX_SLEEP_MILLIS)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.of(StatusCode.CANCELLED, "interrupted").asException();
    }
    return new Response().setMsg("slept");
  }

  @Override
  public void ping() {}
}
