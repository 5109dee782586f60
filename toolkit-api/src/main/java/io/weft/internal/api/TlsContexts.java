package io.weft.internal.api;

import io.weft.api.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Internal: turns a {@link TlsConfig} into the JDK's {@link SSLContext}. */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * The context for {@code config}.
   *
   * @throws IllegalArgumentException naming the file or store that cannot be used, and why
   */
  public static SSLContext create(TlsConfig config) {
    try {
      KeyManagerFactory kmf = null;
      if (config.hasKey()) {
        KeyStore ks;
        char[] password;
        if (config.keyStore() != null) {
          password = config.keyStorePassword() == null ? new char[0] : config.keyStorePassword();
          ks = load(config.keyStore(), password);
        } else {
          password = "weft".toCharArray();
          ks = KeyStore.getInstance("PKCS12");
          ks.load(null, null);
          List<Certificate> chain = certificates(config.certificateChain());
          ks.setKeyEntry(
              "key", privateKey(config.privateKey()), password, chain.toArray(Certificate[]::new));
        }
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
      }
      TrustManagerFactory tmf = null;
      if (config.trustStore() != null || config.trustedCertificates() != null) {
        KeyStore ts;
        if (config.trustStore() != null) {
          ts =
              load(
                  config.trustStore(),
                  config.trustStorePassword() == null ? new char[0] : config.trustStorePassword());
        } else {
          ts = KeyStore.getInstance("PKCS12");
          ts.load(null, null);
          int i = 0;
          for (Certificate c : certificates(config.trustedCertificates())) {
            ts.setCertificateEntry("trusted-" + i++, c);
          }
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path path, char[] password)
      throws GeneralSecurityException, IOException {
    String type = path.toString().endsWith(".jks") ? "JKS" : "PKCS12";
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(path)) {
      ks.load(in, password);
    }
    return ks;
  }

  private static List<Certificate> certificates(Path pem)
      throws GeneralSecurityException, IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(pem + " holds no certificate");
      }
      return new ArrayList<>(certs);
    }
  }

  private static PrivateKey privateKey(Path pem) throws GeneralSecurityException, IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < 0) {
      throw new IllegalArgumentException(
          pem
              + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY); convert it with "
              + "'openssl pkcs8 -topk8 -nocrypt'");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "DSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException tryNext) {
        // not this algorithm
      }
    }
    throw new IllegalArgumentException(pem + " holds a private key of an unsupported algorithm");
  }
}
