package io.weft.server;

import io.weft.api.Server;
import io.weft.api.ServerConfig;
import io.weft.server.internal.RealServer;

/** The {@link Server} that {@link Server#builder()} builds: a thin face over {@link RealServer}. */
final class WeftServer implements Server {
  private final RealServer delegate;

  WeftServer(RealServer delegate) {
    this.delegate = delegate;
  }

  @Override
  public void run() throws InterruptedException {
    delegate.run();
  }

  @Override
  public Server start() {
    delegate.start();
    return this;
  }

  @Override
  public void stop() {
    delegate.stop();
  }

  @Override
  public long inFlight() {
    return delegate.inFlight();
  }

  @Override
  public int port() {
    return delegate.port();
  }

  @Override
  public boolean isRunning() {
    return delegate.isRunning();
  }

  @Override
  public ServerConfig config() {
    return delegate.config();
  }
}
