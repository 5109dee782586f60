package io.weft.generic;

import io.weft.api.BidiStreamingClient;
import io.weft.api.CallOptions;
import io.weft.api.Client;
import io.weft.api.ClientStream;
import io.weft.api.ClientStreamingClient;
import io.weft.api.Metadata;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.ServerStreamingClient;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.StreamReader;
import io.weft.api.StreamWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The caller's side of a streaming generic call, with its messages as JSON: one shape for every
 * kind of stream, on Weft's own client streams (so deadlines, cancellation, flow control and
 * middleware behave as for a generated stub's). Opened by {@link GenericClient#stream}.
 *
 * <ul>
 *   <li>Bidirectional: {@link #send} and {@link #recv} independently (one thread each), {@link
 *       #closeSend()} when done sending.
 *   <li>Client streaming: {@link #send} the requests, then {@link #recv()} the one response (a
 *       {@code recv} half-closes the call if {@link #closeSend()} has not), then {@code null}.
 *   <li>Server streaming: {@link #send} the one request (the call starts with it), then {@link
 *       #recv()} until {@code null}; {@link #closeSend()} is optional.
 * </ul>
 *
 * <p>It is the {@link StreamReader}, {@link StreamWriter} and {@link ClientStream} of Weft's
 * generated streams, with JSON text for the messages: a for-each loop over it reads the responses.
 * {@link #send} blocks while HTTP/2 flow control holds the message back. {@link #recv()} returns
 * {@code null} at the clean end; every failure (cancel, deadline, reset, an error status) is the
 * call's {@link io.weft.api.RpcException}. A message that is not JSON or does not fit the IDL is an
 * {@link IllegalArgumentException}: nothing of it is sent, and the call is cancelled. Closing a
 * stream that has not ended cancels it.
 */
public final class GenericStream
    implements StreamReader<String>, StreamWriter<String>, ClientStream {
  private final Call<?, ?> call;

  private GenericStream(Call<?, ?> call) {
    this.call = call;
  }

  /**
   * Opens a stream of {@code method}: bidirectional and client-streaming calls start now, a
   * server-streaming one with its request.
   */
  static <Req, Resp> GenericStream open(
      Client client,
      MethodDescriptor<Req, Resp> method,
      StreamMessages<Req, Resp> messages,
      CallOptions options) {
    return new GenericStream(new Call<>(client, method, messages, options));
  }

  /** The method's name. */
  public String method() {
    return call.method.methodName();
  }

  /** How the method streams: bidirectional, client or server streaming. */
  public MethodKind kind() {
    return call.method.kind();
  }

  /**
   * Sends one request as JSON: for a Thrift method, the object of its request struct, e.g. {@code
   * {"Msg": "hi"}}; for a Protobuf method, the request message in the proto3 JSON mapping.
   *
   * @throws IllegalArgumentException if {@code json} is not JSON or does not fit the IDL (nothing
   *     is sent, and the call is cancelled); its message starts with the method's name, e.g. {@code
   *     EchoBidi request.Msg: ...}
   * @throws IllegalStateException after {@link #closeSend()}, or for a second request of a
   *     server-streaming call
   * @throws io.weft.api.RpcException if the call has failed or was cancelled
   */
  @Override
  public void send(String json) {
    call.send(json);
  }

  /**
   * The next response as JSON, or {@code null} once the server has finished sending.
   *
   * @throws IllegalStateException on a server-streaming call whose request was not sent
   * @throws io.weft.api.RpcException if the call failed
   */
  @Override
  public String recv() {
    return call.recv();
  }

  /** Tells the server that no more requests come; responses still arrive. */
  public void closeSend() {
    call.closeSend();
  }

  /**
   * Cancels the call: the server sees {@code CANCELLED}; this side's blocked operations fail with
   * it.
   */
  @Override
  public void cancel() {
    call.cancel();
  }

  /**
   * The response headers; blocks until they arrive (empty for a trailers-only response).
   *
   * @throws IllegalStateException on a server-streaming call whose request was not sent
   */
  @Override
  public Metadata headers() {
    return call.opened("headers").headers();
  }

  /** The trailers; empty until the call has ended. */
  @Override
  public Metadata trailers() {
    ClientStream s = call.stream;
    return s == null ? new Metadata() : s.trailers();
  }

  /** Cancels the call if it has not ended. */
  @Override
  public void close() {
    call.close();
  }

  @Override
  public String toString() {
    return "GenericStream[" + call.method + "]";
  }

  /** One call with its message types. */
  private static final class Call<Req, Resp> {
    final MethodDescriptor<Req, Resp> method;
    private final Client client;
    private final StreamMessages<Req, Resp> messages;
    private final CallOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    private final BidiStreamingClient<Req, Resp> bidi;
    private final ClientStreamingClient<Req, Resp> clientSide;
    private ServerStreamingClient<Resp> serverSide;
    volatile ClientStream stream;
    private boolean sendClosed;
    private boolean cancelled;
    private CompletableFuture<Resp> response;
    private boolean responseTaken;

    Call(
        Client client,
        MethodDescriptor<Req, Resp> method,
        StreamMessages<Req, Resp> messages,
        CallOptions options) {
      this.client = client;
      this.method = method;
      this.messages = messages;
      this.options = options;
      switch (method.kind()) {
        case BIDI_STREAMING -> {
          bidi = client.bidiStreaming(method, options);
          clientSide = null;
          stream = bidi;
        }
        case CLIENT_STREAMING -> {
          bidi = null;
          clientSide = client.clientStreaming(method, options);
          stream = clientSide;
        }
        case SERVER_STREAMING -> {
          bidi = null;
          clientSide = null; // the call starts with its one request
        }
        default -> throw new IllegalArgumentException(method + " does not stream");
      }
    }

    void send(String json) {
      Req message;
      try {
        message = messages.toRequest(json);
      } catch (IllegalArgumentException e) {
        cancel();
        throw e;
      }
      switch (method.kind()) {
        case BIDI_STREAMING -> {
          checkSending();
          bidi.send(message);
        }
        case CLIENT_STREAMING -> {
          checkSending();
          clientSide.send(message);
        }
        default -> startServerStream(message);
      }
    }

    private void checkSending() {
      lock.lock();
      try {
        if (sendClosed) {
          throw new IllegalStateException(method.methodName() + ": send after closeSend");
        }
      } finally {
        lock.unlock();
      }
    }

    private void startServerStream(Req request) {
      lock.lock();
      try {
        if (cancelled) {
          throw cancelledException();
        }
        if (serverSide != null || sendClosed) {
          throw new IllegalStateException(
              method.methodName() + " is server-streaming: it takes one request");
        }
        serverSide = client.serverStreaming(method, request, options);
        stream = serverSide;
      } finally {
        lock.unlock();
      }
    }

    String recv() {
      Resp r =
          switch (method.kind()) {
            case BIDI_STREAMING -> bidi.recv();
            case CLIENT_STREAMING -> clientResponse();
            default -> serverStream().recv();
          };
      return r == null ? null : messages.responseJson(r);
    }

    private ServerStreamingClient<Resp> serverStream() {
      lock.lock();
      try {
        if (serverSide == null) {
          if (cancelled) {
            throw cancelledException();
          }
          throw new IllegalStateException(
              method.methodName() + " is server-streaming: send its request before recv");
        }
        return serverSide;
      } finally {
        lock.unlock();
      }
    }

    /** The one response of a client-streaming call, then null. */
    private Resp clientResponse() {
      closeSend();
      CompletableFuture<Resp> f;
      lock.lock();
      try {
        if (responseTaken) {
          return null;
        }
        responseTaken = true;
        f = response;
      } finally {
        lock.unlock();
      }
      try {
        return f.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancel();
        throw Status.of(StatusCode.CANCELLED, "interrupted while waiting for the response")
            .asException();
      }
    }

    void closeSend() {
      lock.lock();
      try {
        if (sendClosed) {
          return;
        }
        switch (method.kind()) {
          case BIDI_STREAMING -> bidi.closeSend();
          case CLIENT_STREAMING -> {
            // half-close now, as a generated caller's closeAndRecv does; recv() takes the response
            CompletableFuture<Resp> f = new CompletableFuture<>();
            response = f;
            Thread.ofVirtual()
                .name("weft-generic-" + method.methodName())
                .start(() -> {
                  try {
                    f.complete(clientSide.closeAndRecv());
                  } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                  }
                });
          }
          default -> {
            if (serverSide == null) {
              throw new IllegalStateException(
                  method.methodName() + " is server-streaming: send its request before closeSend");
            }
          }
        }
        sendClosed = true;
      } finally {
        lock.unlock();
      }
    }

    ClientStream opened(String what) {
      ClientStream s = stream;
      if (s == null) {
        throw new IllegalStateException(
            method.methodName() + " is server-streaming: send its request before " + what);
      }
      return s;
    }

    void cancel() {
      ClientStream s;
      lock.lock();
      try {
        cancelled = true;
        s = stream;
      } finally {
        lock.unlock();
      }
      if (s != null) {
        s.cancel();
      }
    }

    void close() {
      ClientStream s;
      lock.lock();
      try {
        s = stream;
        if (s == null) {
          cancelled = true;
        }
      } finally {
        lock.unlock();
      }
      if (s != null) {
        s.close();
      }
    }

    private static RuntimeException cancelledException() {
      return Status.of(StatusCode.CANCELLED, "the call was cancelled").asException();
    }
  }
}
