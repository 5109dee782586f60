package io.weft.examples.bench;

import io.weft.examples.interop.LibthriftPeers;
import io.weft.examples.interop.ThriftEchoHandler;

/**
 * libthrift's {@code TThreadPoolServer} serving interop.thrift's Echo in a process of its own (for
 * {@link ServerProcess}): {@code framed} or {@code unframed} as the argument says. Prints {@code
 * libthrift listening on 127.0.0.1:PORT} and serves until killed.
 */
public final class LibthriftEchoServer {
  private LibthriftEchoServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !(args[0].equals("framed") || args[0].equals("unframed"))) {
      System.err.println("usage: LibthriftEchoServer framed|unframed");
      System.exit(2);
    }
    LibthriftPeers.Server server =
        new LibthriftPeers.Server(new ThriftEchoHandler(), args[0].equals("framed"));
    System.out.println("libthrift listening on 127.0.0.1:" + server.port());
    new java.util.concurrent.CountDownLatch(1).await(); // until killed
  }
}
