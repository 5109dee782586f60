package io.weft.testing;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log records that named loggers (and their children) publish from now until {@link #close()},
 * at {@code min} and above: System.Logger's default backend is JUL, so this sees what Weft logs.
 * The loggers are held here, because JUL keeps them only weakly and a collected logger loses its
 * handlers. Shared with the tests of other modules through toolkit-api's test jar.
 */
public final class LogCapture extends Handler implements AutoCloseable {
  private final Level min;
  private final List<Logger> loggers;
  public final List<LogRecord> records = new CopyOnWriteArrayList<>();

  public LogCapture(Level min, String... loggerNames) {
    this.min = min;
    this.loggers = Arrays.stream(loggerNames).map(Logger::getLogger).toList();
    loggers.forEach(l -> l.addHandler(this));
  }

  @Override
  public void publish(LogRecord r) {
    if (r.getLevel().intValue() >= min.intValue()) {
      records.add(r);
    }
  }

  /** "LEVEL logger: message" per record, for assertions and their failure messages. */
  public List<String> lines() {
    return records.stream()
        .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage())
        .toList();
  }

  /** "LEVEL message" per record. */
  public List<String> messages() {
    return records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    loggers.forEach(l -> l.removeHandler(this));
  }
}
