package io.weft.server.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Formats peer addresses as {@code host:port}. */
final class Peers {
  private Peers() {}

  static String format(SocketAddress address) {
    if (address instanceof InetSocketAddress isa) {
      String host =
          isa.getAddress() != null ? isa.getAddress().getHostAddress() : isa.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + isa.getPort();
    }
    return String.valueOf(address);
  }
}
