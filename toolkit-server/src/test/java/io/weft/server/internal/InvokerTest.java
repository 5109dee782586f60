package io.weft.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Codec;
import io.weft.api.MetaInfo;
import io.weft.api.Metadata;
import io.weft.api.MethodDescriptor;
import io.weft.api.MethodKind;
import io.weft.api.Middleware;
import io.weft.api.Transport;
import io.weft.testing.StringStruct;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Handlers inside the server's middleware, answering exactly once whoever answers. */
class InvokerTest {
  private static final Codec<String> TEXT = new StringStruct(0);
  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.<String, String>builder()
          .serviceName("Echo")
          .fullServiceName("Echo")
          .methodName("echo")
          .kind(MethodKind.UNARY)
          .requestCodec(TEXT)
          .responseCodec(TEXT)
          .build();

  /** Records what was sent. */
  private static final class Sent extends UnaryReply<String> {
    final List<String> responses = new CopyOnWriteArrayList<>();

    @Override
    protected long write(String response) {
      responses.add(response);
      return response.length();
    }
  }

  private static ServerCallContext context() {
    return new ServerCallContext(
        "Echo",
        "echo",
        null,
        new Metadata(),
        "",
        "peer",
        Transport.TTHEADER,
        () -> false,
        () -> MetaInfo.EMPTY);
  }

  @Test
  void withoutMiddlewareTheHandlersResponseIsSent() throws Exception {
    Sent sent = new Sent();
    new Invoker(List.of()).invokeUnary(ECHO, r -> r + "!", "hi", context(), null, 2, sent);
    assertThat(sent.responses).containsExactly("hi!");
  }

  @Test
  void aMiddlewareThatAnswersInsteadOfTheHandlerHasItsAnswerSent() throws Exception {
    Sent sent = new Sent();
    Middleware cache = next -> (inv, req) -> "cached";
    new Invoker(List.of(cache)).invokeUnary(ECHO, r -> "handler", "hi", context(), null, 2, sent);
    assertThat(sent.responses).containsExactly("cached");
  }

  @Test
  void aMiddlewareThatReturnsSomethingElseAfterTheHandlerAnsweredSendsNothingMore()
      throws Exception {
    Sent sent = new Sent();
    Middleware rewrite =
        next ->
            (inv, req) -> {
              next.call(inv, req);
              return "rewritten too late";
            };
    new Invoker(List.of(rewrite)).invokeUnary(ECHO, r -> "handler", "hi", context(), null, 2, sent);
    assertThat(sent.responses).containsExactly("handler");
  }

  @Test
  void aMiddlewareThatRecoversFromANullResultHasItsAnswerSent() throws Exception {
    Sent sent = new Sent();
    Middleware recover =
        next ->
            (inv, req) -> {
              try {
                return next.call(inv, req);
              } catch (NullResultException e) {
                return "fallback";
              }
            };
    new Invoker(List.of(recover)).invokeUnary(ECHO, r -> null, "hi", context(), null, 2, sent);
    assertThat(sent.responses)
        .as("the handler answered nothing, so the middleware's answer is the reply")
        .containsExactly("fallback");
  }

  @Test
  void aNullResultWithoutMiddlewareIsAnErrorAndNothingIsSent() {
    Sent sent = new Sent();
    assertThatThrownBy(() ->
            new Invoker(List.of()).invokeUnary(ECHO, r -> null, "hi", context(), null, 2, sent))
        .isInstanceOf(NullResultException.class);
    assertThat(sent.responses).isEmpty();
    assertThat(sent.claim()).as("an error may still answer").isTrue();
  }

  @Test
  void onlyOneOfManyConcurrentAnswersIsSent() throws Exception {
    for (int round = 0; round < 50; round++) {
      Sent sent = new Sent();
      AtomicInteger errorsClaimed = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(8);
      for (int t = 0; t < 8; t++) {
        int n = t;
        Thread.ofVirtual()
            .start(() -> {
              try {
                go.await();
                if (n % 2 == 0) {
                  sent.send("response " + n);
                } else if (sent.claim()) {
                  errorsClaimed.incrementAndGet();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                done.countDown();
              }
            });
      }
      go.countDown();
      done.await();
      assertThat(sent.responses.size() + errorsClaimed.get())
          .as("answers in round " + round)
          .isEqualTo(1);
      assertThat(sent.claimed()).isTrue();
    }
  }
}
