package io.weft.server.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ServerConnectionException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Helidon's connection {@link DataReader} as an {@link InputStream}: end of stream when the peer
 * closes, an {@link java.io.IOException} when the socket fails. Confined to the connection's reader
 * thread.
 */
final class DataReaderInputStream extends InputStream {
  private final DataReader reader;

  DataReaderInputStream(DataReader reader) {
    this.reader = reader;
  }

  @Override
  public int read() throws java.io.IOException {
    if (!fill()) {
      return -1;
    }
    return reader.read() & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws java.io.IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, reader.available());
    BufferData data = reader.readBuffer(n);
    data.read(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return reader.available();
  }

  private boolean fill() throws java.io.IOException {
    try {
      reader.ensureAvailable();
      return true;
    } catch (DataReader.InsufficientDataAvailableException e) {
      return false;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (ServerConnectionException e) {
      throw new java.io.IOException(e.getMessage(), e.getCause() != null ? e.getCause() : e);
    }
  }
}
