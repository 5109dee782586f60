package io.weft.examples.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import interop.thrift.Request;
import interop.thrift.echoservice.EchoServiceClient;
import interop.thrift.echoservice.EchoServiceServer;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.testservice.TestServiceClient;
import io.grpc.testing.integration.testservice.TestServiceServer;
import io.weft.api.ClientOptions;
import io.weft.api.RpcException;
import io.weft.api.Server;
import io.weft.api.ServerOptions;
import io.weft.api.StatusCode;
import io.weft.api.TlsConfig;
import io.weft.api.Transport;
import io.weft.testing.TestCertificates;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both transports, from PEM files and from key stores, with and without client certificates.
 */
class TlsTest {
  @TempDir static Path dir;

  private static TestCertificates.Key serverKey;
  private static TestCertificates.Key clientKey;
  private static Server server;
  private static Server mutual;

  @BeforeAll
  static void start() throws Exception {
    serverKey = TestCertificates.create(dir, "server");
    clientKey = TestCertificates.create(dir, "client");
    server =
        Server.builder()
            .addService(EchoServiceServer.definition(new ThriftEchoHandler()))
            .addService(TestServiceServer.definition(new GrpcTestHandler()))
            .options(
                ServerOptions.withServiceAddr("127.0.0.1", 0),
                ServerOptions.withTls(
                    TlsConfig.builder()
                        .keyPem(serverKey.certificatePem(), serverKey.privateKeyPem())
                        .build()))
            .build()
            .start();
    mutual =
        Server.builder()
            .addService(TestServiceServer.definition(new GrpcTestHandler()))
            .options(
                ServerOptions.withServiceAddr("127.0.0.1", 0),
                ServerOptions.withTls(
                    TlsConfig.builder()
                        .keyStore(serverKey.store(), TestCertificates.PASSWORD)
                        .trustPem(clientKey.certificatePem())
                        .clientAuth(TlsConfig.ClientAuth.REQUIRED)
                        .build()))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.stop();
    mutual.stop();
  }

  private static TlsConfig trustServer() {
    return TlsConfig.builder().trustPem(serverKey.certificatePem()).build();
  }

  @Test
  void ttheaderOverTls() {
    try (var cli =
        EchoServiceClient.newClient(
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTls(trustServer()))) {
      assertThat(cli.echo(new Request().setMsg("secret")).getMsg()).isEqualTo("secret");
    }
  }

  @Test
  void grpcOverTlsNegotiatesH2() {
    try (var cli =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("localhost:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withTls(trustServer()))) {
      assertThat(cli.emptyCall(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
    }
  }

  /**
   * A plaintext TTHeader client gets the TLS server's alert back: the error names TLS, not a 352 MB
   * frame.
   */
  @Test
  void plaintextTTHeaderClientAgainstTlsServerIsToldTheServerExpectsTls() {
    try (var cli =
        EchoServiceClient.newClient(
            "EchoService", ClientOptions.withHostPorts("127.0.0.1:" + server.port()))) {
      assertThatThrownBy(() -> cli.echo(new Request().setMsg("x")))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("a TLS record (the peer expects TLS)")
          .hasMessageNotContaining("exceeds the limit");
    }
  }

  @Test
  void plaintextGrpcClientAgainstTlsServerIsToldTheServerExpectsTls() {
    try (var cli =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC))) {
      assertThatThrownBy(() -> cli.emptyCall(Empty.getDefaultInstance()))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("a TLS record (the peer expects TLS)");
    }
  }

  /**
   * The JDK's HTTP/1.1 server answers the HTTP/2 preface with a 400: the error quotes its status
   * line.
   */
  @Test
  void grpcClientAgainstHttp1ServerIsToldTheServerSpeaksHttp1() throws Exception {
    var http1 =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    http1.start();
    try (var cli =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("127.0.0.1:" + http1.getAddress().getPort()),
            ClientOptions.withTransport(Transport.GRPC))) {
      assertThatThrownBy(() -> cli.emptyCall(Empty.getDefaultInstance()))
          .isInstanceOf(RpcException.class)
          .hasMessageContaining("an HTTP/1.x response (\"HTTP/1.1 ")
          .hasMessageContaining("not HTTP/2");
    } finally {
      http1.stop(0);
    }
  }

  @Test
  void untrustedServerIsRefused() {
    TlsConfig trustOther = TlsConfig.builder().trustPem(clientKey.certificatePem()).build();
    try (var cli =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withTls(trustOther))) {
      assertThatThrownBy(() -> cli.emptyCall(Empty.getDefaultInstance()))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    }
  }

  @Test
  void mutualTlsNeedsAClientCertificate() {
    try (var cli =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("127.0.0.1:" + mutual.port()),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withTls(
                TlsConfig.builder()
                    .trustPem(serverKey.certificatePem())
                    .keyPem(clientKey.certificatePem(), clientKey.privateKeyPem())
                    .build()))) {
      assertThat(cli.emptyCall(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
    }
    try (var anonymous =
        TestServiceClient.newClient(
            "test",
            ClientOptions.withHostPorts("127.0.0.1:" + mutual.port()),
            ClientOptions.withTransport(Transport.GRPC),
            ClientOptions.withTls(trustServer()))) {
      assertThatThrownBy(() -> anonymous.emptyCall(Empty.getDefaultInstance()))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    }
  }

  @Test
  void plainClientGetsNoAnswerFromATlsServer() {
    try (var cli =
        EchoServiceClient.newClient(
            "EchoService",
            ClientOptions.withHostPorts("127.0.0.1:" + server.port()),
            ClientOptions.withRPCTimeout(java.time.Duration.ofSeconds(10)))) {
      assertThatThrownBy(() -> cli.echo(new Request().setMsg("x")))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.code()).isIn(StatusCode.UNAVAILABLE, StatusCode.INTERNAL));
    }
  }
}
