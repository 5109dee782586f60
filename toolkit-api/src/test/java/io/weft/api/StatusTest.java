package io.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusTest {
  @Test
  void codesKeepGrpcNumbers() {
    assertThat(StatusCode.OK.value()).isZero();
    assertThat(StatusCode.DEADLINE_EXCEEDED.value()).isEqualTo(4);
    assertThat(StatusCode.UNIMPLEMENTED.value()).isEqualTo(12);
    assertThat(StatusCode.UNAUTHENTICATED.value()).isEqualTo(16);
    for (StatusCode c : StatusCode.values()) {
      assertThat(StatusCode.fromValue(c.value())).isEqualTo(c);
    }
    assertThat(StatusCode.fromValue(99)).isEqualTo(StatusCode.UNKNOWN);
    assertThat(StatusCode.fromValue(-1)).isEqualTo(StatusCode.UNKNOWN);
  }

  @Test
  void derivedStatusesKeepTheCodeAndNeverSendTheCause() {
    Exception cause = new IllegalStateException("local only");
    Status s =
        Status.NOT_FOUND.withDescription("no row").withCause(cause).augmentDescription("id=7");
    assertThat(s.code()).isEqualTo(StatusCode.NOT_FOUND);
    assertThat(s.description()).hasValue("no row\nid=7");
    assertThat(s.cause()).containsSame(cause);
    assertThat(s).isEqualTo(Status.of(StatusCode.NOT_FOUND, "no row\nid=7"));
    RpcException e = s.asException();
    assertThat(e.status()).isSameAs(s);
    assertThat(e.getCause()).isSameAs(cause);
    assertThat(e.getMessage()).isEqualTo("NOT_FOUND: no row\nid=7");
  }

  @Test
  void statusOfAnArbitraryThrowableIsInternalWithItsMessage() {
    assertThat(RpcException.statusOf(new IllegalArgumentException("bad")).code())
        .isEqualTo(StatusCode.INTERNAL);
    assertThat(RpcException.statusOf(new IllegalArgumentException("bad")).description())
        .hasValue("bad");
    assertThat(RpcException.statusOf(new NullPointerException()).description())
        .hasValue("java.lang.NullPointerException");
    assertThat(RpcException.statusOf(Status.CANCELLED.asException()).code())
        .isEqualTo(StatusCode.CANCELLED);
  }

  @Test
  void metadataKeepsOrderAndRepeats() {
    Metadata m = new Metadata().add("a", "1").add("b", "2").add("a", "3");
    assertThat(m.get("a")).isEqualTo("3");
    assertThat(m.getAll("a")).containsExactly("1", "3");
    assertThat(m.keys()).containsExactly("a", "b");
    assertThat(m.size()).isEqualTo(3);
    m.set("a", "x");
    assertThat(m.getAll("a")).containsExactly("x");
    m.addBinary("k-bin", new byte[] {0, (byte) 0xff});
    assertThat(m.getBinary("k-bin")).containsExactly(0, 0xff);
    assertThat(m.copy()).isEqualTo(m).isNotSameAs(m);
    assertThat(m.remove("b")).isTrue();
    assertThat(m.containsKey("b")).isFalse();
  }

  @Test
  void callOptionsPickTheEarliestDeadline() {
    Deadline inherited = Deadline.after(Duration.ofSeconds(1));
    assertThat(CallOptions.DEFAULT.effectiveDeadline(Duration.ZERO, null)).isNull();
    assertThat(CallOptions.DEFAULT.effectiveDeadline(Duration.ZERO, inherited)).isSameAs(inherited);
    Deadline own =
        CallOptions.timeout(Duration.ofMinutes(1)).effectiveDeadline(Duration.ZERO, inherited);
    assertThat(own).isSameAs(inherited);
    Deadline shorter =
        CallOptions.timeout(Duration.ofMillis(10))
            .effectiveDeadline(Duration.ofHours(1), inherited);
    assertThat(shorter.remaining()).isLessThanOrEqualTo(Duration.ofMillis(10));
    Deadline fromClient = CallOptions.DEFAULT.effectiveDeadline(Duration.ofMillis(50), null);
    assertThat(fromClient.remaining()).isLessThanOrEqualTo(Duration.ofMillis(50));
  }
}
