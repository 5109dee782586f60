package io.weft.client.internal;

import io.weft.api.ClientConfig;
import io.weft.api.Deadline;
import io.weft.api.Status;
import io.weft.api.StatusCode;
import io.weft.api.TlsConfig;
import io.weft.internal.api.TlsContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Opens a client's connections: TCP, then TLS (with host-name checks and ALPN) when configured.
 * Thread-safe.
 */
final class Dialer {
  private final long connectTimeoutMillis;
  private final TlsConfig tls;
  private final SSLContext ssl;

  Dialer(ClientConfig config) {
    this.connectTimeoutMillis = config.connectTimeout().toMillis();
    this.tls = config.tls();
    this.ssl = tls == null ? null : TlsContexts.create(tls);
  }

  boolean isTls() {
    return ssl != null;
  }

  /**
   * A connected socket to {@code target}; over TLS, handshaken, offering {@code alpn} (null: none).
   *
   * @throws io.weft.api.RpcException {@code UNAVAILABLE} or {@code DEADLINE_EXCEEDED}
   */
  Socket dial(HostPort target, Deadline deadline, String alpn) {
    Socket plain = dialTcp(target, connectTimeoutMillis, deadline);
    if (ssl == null) {
      return plain;
    }
    try {
      SSLSocket s =
          (SSLSocket)
              ssl.getSocketFactory().createSocket(plain, target.host(), target.port(), true);
      SSLParameters p = s.getSSLParameters();
      if (tls.verifyHostname()) {
        p.setEndpointIdentificationAlgorithm("HTTPS");
      }
      if (!target.host().isEmpty()
          && !Character.isDigit(target.host().charAt(0))
          && target.host().indexOf(':') < 0) {
        p.setServerNames(List.of(new SNIHostName(target.host())));
      }
      if (alpn != null) {
        p.setApplicationProtocols(new String[] {alpn});
      }
      s.setSSLParameters(p);
      s.setSoTimeout(
          (int)
              Math.max(
                  1,
                  deadline == null
                      ? Math.max(connectTimeoutMillis, 10_000)
                      : deadline.remainingMillis()));
      s.startHandshake();
      s.setSoTimeout(0);
      if (alpn != null && !alpn.equals(s.getApplicationProtocol())) {
        s.close();
        throw new UnsentException(
            Status.of(
                StatusCode.UNAVAILABLE,
                target
                    + " did not negotiate "
                    + alpn
                    + " over TLS (got '"
                    + s.getApplicationProtocol()
                    + "')"));
      }
      return s;
    } catch (IOException e) {
      try {
        plain.close();
      } catch (IOException ignored) {
        // nothing to do
      }
      throw new UnsentException(
          Status.of(
                  StatusCode.UNAVAILABLE,
                  "TLS handshake with " + target + " failed: " + e.getMessage())
              .withCause(e));
    }
  }

  /**
   * Opens a TCP connection (no delay, keep-alive) within the connect timeout and the call's
   * deadline.
   */
  private static Socket dialTcp(HostPort target, long connectTimeoutMillis, Deadline deadline) {
    long timeout = connectTimeoutMillis;
    boolean deadlineBound = false;
    if (deadline != null) {
      long left = deadline.remainingMillis();
      if (left <= 0) {
        throw Status.of(
                StatusCode.DEADLINE_EXCEEDED, "deadline passed before connecting to " + target)
            .asException();
      }
      if (timeout == 0 || left < timeout) {
        timeout = left;
        deadlineBound = true;
      }
    }
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setKeepAlive(true);
      s.connect(
          new InetSocketAddress(target.host(), target.port()),
          (int) Math.min(Integer.MAX_VALUE, timeout));
      return s;
    } catch (SocketTimeoutException e) {
      closeQuietly(s);
      if (deadlineBound) {
        throw Status.of(
                StatusCode.DEADLINE_EXCEEDED, "deadline passed while connecting to " + target)
            .asException();
      }
      throw new UnsentException(
          Status.of(
                  StatusCode.UNAVAILABLE,
                  "connect to " + target + " timed out after " + timeout + " ms")
              .withCause(e));
    } catch (UnknownHostException e) {
      closeQuietly(s);
      throw new UnsentException(
          Status.of(StatusCode.UNAVAILABLE, "unknown host " + target.host()).withCause(e));
    } catch (IOException e) {
      closeQuietly(s);
      if (Thread.currentThread().isInterrupted()) {
        throw Status.of(StatusCode.CANCELLED, "interrupted while connecting to " + target)
            .asException();
      }
      throw new UnsentException(
          Status.of(StatusCode.UNAVAILABLE, "cannot connect to " + target + ": " + e.getMessage())
              .withCause(e));
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
