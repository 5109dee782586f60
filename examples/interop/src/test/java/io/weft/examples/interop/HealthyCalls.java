package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.weft.api.CallOptions;
import io.weft.api.ClientOptions;
import io.weft.api.Transport;
import io.weft.testing.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A well-behaved Weft gRPC client that keeps calling the server on a virtual thread while a test
 * attacks it from other connections: every call must succeed. Each call has a deadline, so that a
 * stuck call fails the test instead of hanging it.
 */
final class HealthyCalls implements AutoCloseable {
  private static final CallOptions DEADLINE = CallOptions.timeout(Duration.ofSeconds(20));
  private static final SimpleRequest SMALL =
      SimpleRequest.newBuilder()
          .setResponseSize(512)
          .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[512])))
          .build();

  private final TestServiceClient client;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Thread loop;

  /** A client of the server on {@code port}, with one call made (so that its connection is up). */
  HealthyCalls(int port) {
    client =
        TestServiceClient.newClient(
            "grpc.testing.TestService",
            ClientOptions.withHostPorts("127.0.0.1:" + port),
            ClientOptions.withTransport(Transport.GRPC));
    round();
  }

  TestServiceClient client() {
    return client;
  }

  /** One empty and one small unary call. */
  void round() {
    assertThat(client.emptyCall(Empty.getDefaultInstance(), DEADLINE))
        .isEqualTo(Empty.getDefaultInstance());
    assertThat(client.unaryCall(SMALL, DEADLINE).getPayload().getBody().size()).isEqualTo(512);
  }

  /** Starts calling in a loop. */
  HealthyCalls start() {
    running.set(true);
    loop =
        Thread.ofVirtual()
            .name("healthy-calls")
            .start(() -> {
              try {
                while (running.get()) {
                  round();
                  calls.incrementAndGet();
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    return this;
  }

  /** Waits until {@code n} more rounds have succeeded (or one failed), within 60 s. */
  void awaitMore(int n) {
    long target = calls.get() + n;
    Await.until(
        () -> calls.get() >= target || failure.get() != null || !loop.isAlive(),
        Duration.ofSeconds(60));
    assertThat(failure.get()).as("a healthy client's call failed").isNull();
    assertThat(calls.get()).as("healthy rounds completed").isGreaterThanOrEqualTo(target);
  }

  /** Stops the loop and asserts that every call succeeded; returns the rounds made. */
  long stop() throws InterruptedException {
    running.set(false);
    if (loop != null) {
      loop.join();
    }
    assertThat(failure.get()).as("a healthy client's call failed").isNull();
    return calls.get();
  }

  @Override
  public void close() {
    running.set(false);
    client.close();
  }
}
