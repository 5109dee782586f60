package io.weft.internal.api;

import io.weft.api.CallContext;
import io.weft.api.Deadline;
import io.weft.api.Metadata;
import io.weft.api.Transport;
import java.util.Optional;

/**
 * Internal: binds the {@link CallContext} of the call a thread serves. Transports call {@link
 * #attach} around a handler; threads the handler starts inherit the binding.
 */
public final class Contexts {
  private static final InheritableThreadLocal<CallContext> CURRENT = new InheritableThreadLocal<>();

  private Contexts() {}

  /** The bound context, or {@link #ROOT}. */
  public static CallContext current() {
    CallContext c = CURRENT.get();
    return c != null ? c : ROOT;
  }

  /** Binds {@code ctx} to this thread until the returned scope is closed. */
  public static Scope attach(CallContext ctx) {
    CallContext previous = CURRENT.get();
    CURRENT.set(ctx);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** Restores the previous binding. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** The context outside any call. */
  public static final CallContext ROOT =
      new CallContext() {
        @Override
        public String service() {
          return "";
        }

        @Override
        public String method() {
          return "";
        }

        @Override
        public Optional<Deadline> deadline() {
          return Optional.empty();
        }

        @Override
        public Metadata requestMetadata() {
          return new Metadata();
        }

        @Override
        public String callerService() {
          return "";
        }

        @Override
        public String peer() {
          return "";
        }

        @Override
        public Transport transport() {
          return Transport.TTHEADER;
        }

        @Override
        public Metadata responseMetadata() {
          return new Metadata();
        }

        @Override
        public Metadata responseTrailers() {
          return new Metadata();
        }

        @Override
        public void setResponseCompression(String encoding) {}

        @Override
        public boolean isCancelled() {
          return false;
        }

        @Override
        public String toString() {
          return "CallContext.ROOT";
        }
      };
}
