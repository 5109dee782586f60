package io.weft.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for a server or a client, from PEM files or a key store. A server needs its own key and
 * certificate chain; a client needs what to trust (else the JDK's default trust store) and, for
 * mutual TLS, a key of its own. Over TLS, gRPC negotiates HTTP/2 with ALPN {@code h2}; TTHeader and
 * Thrift ride on the TLS stream as they would on TCP. Immutable.
 *
 * @param certificateChain PEM file with this side's certificate chain, or null
 * @param privateKey PEM file with this side's PKCS#8 private key ({@code BEGIN PRIVATE KEY}), or
 *     null
 * @param keyStore a key store (PKCS12 or JKS) with this side's key and chain, instead of PEM, or
 *     null
 * @param keyStorePassword its password (also the key's), or null
 * @param trustedCertificates PEM file with the certificates to trust, or null for the JDK's
 *     defaults
 * @param trustStore a key store with the certificates to trust, instead of PEM, or null
 * @param trustStorePassword its password, or null
 * @param clientAuth whether a server asks clients for certificates (mutual TLS)
 * @param verifyHostname whether a client checks that the server's certificate names the host it
 *     dialed (default true)
 */
public record TlsConfig(
    Path certificateChain,
    Path privateKey,
    Path keyStore,
    char[] keyStorePassword,
    Path trustedCertificates,
    Path trustStore,
    char[] trustStorePassword,
    ClientAuth clientAuth,
    boolean verifyHostname) {

  /** Whether a server asks for, or insists on, client certificates. */
  public enum ClientAuth {
    NONE,
    OPTIONAL,
    REQUIRED
  }

  public TlsConfig {
    Objects.requireNonNull(clientAuth, "clientAuth");
    if ((certificateChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("a PEM key needs both certificateChain and privateKey");
    }
    if (certificateChain != null && keyStore != null) {
      throw new IllegalArgumentException("give the key as PEM files or as a key store, not both");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether this side has a key of its own to present. */
  public boolean hasKey() {
    return certificateChain != null || keyStore != null;
  }

  /** Collects a {@link TlsConfig}. */
  public static final class Builder {
    private Path certificateChain;
    private Path privateKey;
    private Path keyStore;
    private char[] keyStorePassword;
    private Path trustedCertificates;
    private Path trustStore;
    private char[] trustStorePassword;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private boolean verifyHostname = true;

    private Builder() {}

    /** This side's key and certificate chain as PEM files. */
    public Builder keyPem(Path certificateChain, Path privateKey) {
      this.certificateChain = certificateChain;
      this.privateKey = privateKey;
      return this;
    }

    /** This side's key and certificate chain in a key store. */
    public Builder keyStore(Path keyStore, char[] password) {
      this.keyStore = keyStore;
      this.keyStorePassword = password;
      return this;
    }

    /** The certificates to trust, as a PEM file. */
    public Builder trustPem(Path certificates) {
      this.trustedCertificates = certificates;
      return this;
    }

    /** The certificates to trust, in a key store. */
    public Builder trustStore(Path trustStore, char[] password) {
      this.trustStore = trustStore;
      this.trustStorePassword = password;
      return this;
    }

    /** Servers: ask clients for certificates. */
    public Builder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = clientAuth;
      return this;
    }

    /** Clients: whether to check the server certificate's host name (default true). */
    public Builder verifyHostname(boolean verify) {
      this.verifyHostname = verify;
      return this;
    }

    public TlsConfig build() {
      return new TlsConfig(
          certificateChain,
          privateKey,
          keyStore,
          keyStorePassword,
          trustedCertificates,
          trustStore,
          trustStorePassword,
          clientAuth,
          verifyHostname);
    }
  }
}
