package io.weft.opentelemetry;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses spans name: a server call's connection peer ({@code CallContext.peer()}) and a
 * client call's server instance, each parsed once and kept, so that a span costs no parsing, IP
 * check or boxed port. The one parsed last is kept beside the map: a connection's calls hand over
 * the connection's own string, and a client's calls name their instance with the balancer's own
 * host string, so a run of calls finds it with a reference comparison, without hashing. The last
 * ones are written without locks (their records are immutable). Thread-safe.
 */
final class Addresses {
  /** How many connection peers {@link #peers} keeps parsed before it starts afresh. */
  private static final int MAX_PEERS = 4096;

  /**
   * A connection's peer ({@code text}, as {@code CallContext.peer()} gives it) parsed; {@code port}
   * is null when it has none. The port is boxed once here, not at each span.
   */
  record Peer(String text, String address, Long port) {
    static final Peer NONE = new Peer("", "", null);
  }

  /**
   * A client call's server instance: its host and port as balancing named them, and whether the
   * host is an IP address (then also the {@code network.peer.*} attributes).
   */
  record Server(String host, int port, Long boxedPort, boolean ip) {
    static final Server NONE = new Server("", -1, -1L, false);

    boolean is(String otherHost, int otherPort) {
      // String.equals answers at once for the balancer's own string (the same reference)
      return port == otherPort && host.equals(otherHost);
    }
  }

  private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
  private Peer lastPeer = Peer.NONE;
  private Server lastServer = Server.NONE;

  /** {@code text} ({@code host:port}, IPv6 hosts in brackets) parsed, once per connection peer. */
  Peer peer(String text) {
    Peer last = lastPeer;
    if (last.text().equals(text)) { // at once for a connection's own string
      return last;
    }
    Peer p = peers.get(text);
    if (p == null) {
      p = parsePeer(text);
      if (peers.size() >= MAX_PEERS) { // peers come and go: keep only recent ones
        peers.clear();
      }
      peers.put(text, p);
    }
    lastPeer = p;
    return p;
  }

  /** The server instance {@code host}:{@code port}. */
  Server server(String host, int port) {
    Server last = lastServer;
    if (last.is(host, port)) {
      return last;
    }
    Server server = new Server(host, port, (long) port, isIpLiteral(host));
    lastServer = server;
    return server;
  }

  private static Peer parsePeer(String peer) {
    int colon = peer.lastIndexOf(':');
    if (colon <= 0) {
      return new Peer(peer, "", null);
    }
    long port = port(peer, colon + 1);
    return new Peer(peer, stripBrackets(peer.substring(0, colon)), port < 0 ? null : port);
  }

  /**
   * Whether {@code host} is an IPv4 address (digits and dots) or an IPv6 one (has a colon), not a
   * name.
   */
  static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    if (host.isEmpty()) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  /** The decimal number from {@code from} to the end of {@code s}, or -1 if there is none. */
  private static long port(String s, int from) {
    if (from >= s.length() || s.length() - from > 5) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static String stripBrackets(String host) {
    return host.length() > 1 && host.charAt(0) == '[' && host.endsWith("]")
        ? host.substring(1, host.length() - 1)
        : host;
  }
}
