package io.weft.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code --insecure}: the certificate chain a TLS server presents, fetched once without checking
 * it, to be trusted as it is for the call (with no host-name check), as grpcurl's {@code -insecure}
 * trusts any server.
 */
final class InsecureTls {
  private InsecureTls() {}

  /** The chain {@code hostPort} presents, written to a temporary PEM file deleted on exit. */
  static Path presentedChain(String hostPort, Duration timeout) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    int millis =
        (int)
            Math.min(
                Integer.MAX_VALUE, (timeout == null ? Duration.ofSeconds(10) : timeout).toMillis());
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AcceptAll()}, null);
      Certificate[] chain;
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
        s.connect(new InetSocketAddress(host, port), millis);
        s.setSoTimeout(millis);
        s.startHandshake();
        chain = s.getSession().getPeerCertificates();
      }
      StringBuilder pem = new StringBuilder();
      Base64.Encoder b64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
      for (Certificate c : chain) {
        pem.append("-----BEGIN CERTIFICATE-----\n")
            .append(b64.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      }
      Path file = Files.createTempFile("weft-insecure-", ".pem");
      file.toFile().deleteOnExit();
      Files.writeString(file, pem, StandardCharsets.US_ASCII);
      return file;
    } catch (IOException | GeneralSecurityException e) {
      throw new Weft.UsageException(
          "--insecure: cannot read the TLS certificate of " + hostPort + ": " + e.getMessage());
    }
  }

  /** Trusts any server: only to read the chain it presents. */
  private static final class AcceptAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
