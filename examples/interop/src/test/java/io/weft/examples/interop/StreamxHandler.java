package io.weft.examples.interop;

import interop.stream.Request;
import interop.stream.Response;
import interop.stream.StreamService;
import io.weft.api.BidiStreamingServer;
import io.weft.api.BizStatusException;
import io.weft.api.CallContext;
import io.weft.api.ClientStreamingServer;
import io.weft.api.RpcException;
import io.weft.api.ServerStreamingServer;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code StreamService} with the behaviour of interop/kitex-streamx's handler, keyed by the
 * request's Msg: "biz" ends with business status 404 "not found" and extra {"k":"v"}; "fail" throws
 * "boom"; "inspect" answers the metainfo seen; "block" answers "blocking", then waits in recv until
 * the stream is cancelled and counts it; "cancelled?" answers that count; "big:N" answers N bytes;
 * "stall" answers "stalled" and stops reading until {@link #release}; "flood:N" answers N messages
 * at once, then waits in recv as "block" does; "pour:N" sends N-byte messages until send fails (its
 * thread in {@link #pouring}, the failure in {@link #poured}); anything else is echoed.
 */
class StreamxHandler implements StreamService {
  final AtomicInteger cancelled = new AtomicInteger();
  final CountDownLatch release = new CountDownLatch(1);

  /** The handler thread of the last "pour" stream. */
  volatile Thread pouring;

  /** Completed with the error (and whether the context was cancelled) that ended a "pour". */
  volatile CompletableFuture<String> poured = new CompletableFuture<>();

  /** The error that woke the last "block" handler's recv (its message names the cancel code). */
  volatile String lastCancel = "";

  private String answer(String msg, CallContext ctx) {
    if (msg.equals("biz")) {
      throw new BizStatusException(404, "not found", Map.of("k", "v"));
    }
    if (msg.equals("fail")) {
      throw new IllegalStateException("boom");
    }
    if (msg.equals("inspect")) {
      return "persist="
          + java.util.Objects.toString(ctx.metaInfo().persistent("k"), "")
          + ";transit="
          + java.util.Objects.toString(ctx.metaInfo().transientValue("k"), "");
    }
    if (msg.equals("cancelled?")) {
      return Integer.toString(cancelled.get());
    }
    if (msg.startsWith("big:")) {
      return "x".repeat(Integer.parseInt(msg.substring(4)));
    }
    return msg;
  }

  @Override
  public void echoBidi(BidiStreamingServer<Request, Response> stream) {
    for (Request req : stream) {
      switch (req.getMsg()) {
        case "block" -> {
          stream.send(new Response().setMsg("blocking"));
          awaitCancel(stream);
          return;
        }
        case "stall" -> {
          stream.send(new Response().setMsg("stalled"));
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        default -> {
          if (req.getMsg().startsWith("pour:")) {
            pour(stream, Integer.parseInt(req.getMsg().substring(5)));
            return;
          }
          if (req.getMsg().startsWith("flood:")) {
            try {
              for (int i = Integer.parseInt(req.getMsg().substring(6)); i > 0; i--) {
                stream.send(new Response().setMsg("f" + i));
              }
            } catch (RpcException e) { // the client reset the stream while this side still sent
              if (stream.context().isCancelled()) {
                cancelled.incrementAndGet();
              }
              throw e;
            }
            awaitCancel(stream);
            return;
          }
          stream.send(new Response().setMsg(answer(req.getMsg(), stream.context())));
        }
      }
    }
  }

  private void pour(BidiStreamingServer<Request, Response> stream, int size) {
    pouring = Thread.currentThread();
    Response big = new Response().setMsg("p".repeat(size));
    try {
      while (true) {
        stream.send(big);
      }
    } catch (RpcException e) {
      poured.complete(
          e.code() + " " + e.getMessage() + " cancelled=" + stream.context().isCancelled());
      throw e;
    }
  }

  /** Waits in recv until the stream is cancelled (which wakes recv), and counts it. */
  private void awaitCancel(BidiStreamingServer<Request, Response> stream) {
    try {
      while (stream.recv() != null) {
        // anything more the client sends is ignored
      }
    } catch (RpcException e) {
      lastCancel = e.getMessage();
      throw e;
    } finally {
      if (stream.context().isCancelled()) {
        cancelled.incrementAndGet();
      }
    }
  }

  @Override
  public void echoClient(ClientStreamingServer<Request, Response> stream) {
    StringJoiner joined = new StringJoiner(",");
    for (Request req : stream) {
      answer(req.getMsg(), stream.context());
      joined.add(req.getMsg());
    }
    stream.sendAndClose(new Response().setMsg(joined.toString()));
  }

  @Override
  public void echoServer(Request req, ServerStreamingServer<Response> stream) {
    answer(req.getMsg(), stream.context());
    for (int i = 0; i < 10; i++) {
      stream.send(new Response().setMsg(req.getMsg() + "-" + i));
    }
  }
}
