package dev.porter.core.dialect;

/** porter's exclusive hold on one database, released by {@link #close()}. */
public interface DbLock extends AutoCloseable {
  @Override
  void close();
}
