package dev.porter.core.engine;

import dev.porter.core.PorterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Rows by key, for lookup tables and for de-duplication: in memory up to a number of entries, then
 * moved into a temporary SQLite file, so memory stays bounded whatever the table's size.
 */
final class KeyedStore implements AutoCloseable {
  private final String name;
  private final long memoryLimit;
  private final Path tempDir;
  private Map<Key, Object[]> memory = new HashMap<>();
  private Path file;
  private Connection disk;
  private PreparedStatement insert;
  private PreparedStatement select;
  private long size;

  KeyedStore(String name, long memoryLimit, Path tempDir) {
    this.name = name;
    this.memoryLimit = memoryLimit;
    this.tempDir = tempDir;
  }

  /** A key: values compared by content (arrays too). */
  private record Key(Object[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.deepEquals(values, k.values);
    }

    @Override
    public int hashCode() {
      return Arrays.deepHashCode(values);
    }
  }

  /** Adds an entry; returns false (and changes nothing) when the key is already present. */
  boolean putIfAbsent(Object[] key, Object[] row) {
    if (memory != null) {
      if (memory.putIfAbsent(new Key(key), row) != null) {
        return false;
      }
      size++;
      if (size > memoryLimit) {
        spill();
      }
      return true;
    }
    try {
      insert.setBytes(1, RowCodec.encode(key));
      insert.setBytes(2, RowCodec.encode(row));
      boolean added = insert.executeUpdate() == 1;
      if (added) {
        size++;
      }
      return added;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The row stored under {@code key}, or null. */
  Object[] get(Object[] key) {
    if (memory != null) {
      return memory.get(new Key(key));
    }
    try {
      select.setBytes(1, RowCodec.encode(key));
      try (ResultSet r = select.executeQuery()) {
        return r.next() ? RowCodec.decode(r.getBytes(1)) : null;
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  long size() {
    return size;
  }

  boolean spilled() {
    return memory == null;
  }

  private void spill() {
    try {
      Files.createDirectories(tempDir);
      file = Files.createTempFile(tempDir, "porter-lookup-", ".sqlite");
      disk = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = disk.createStatement()) {
        s.execute("PRAGMA journal_mode = OFF");
        s.execute("PRAGMA synchronous = OFF");
        s.execute("CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID");
      }
      // unlinked now that SQLite holds it open: without a journal it writes and reads through its
      // descriptor alone, so a killed import leaves no lookup file behind. Where the platform
      // refuses (Windows), the file is deleted at close as before.
      try {
        Files.delete(file);
        file = null;
      } catch (java.io.IOException e) {
        // deleted at close
      }
      disk.setAutoCommit(false);
      insert = disk.prepareStatement("INSERT OR IGNORE INTO kv (k, v) VALUES (?, ?)");
      select = disk.prepareStatement("SELECT v FROM kv WHERE k = ?");
      for (Map.Entry<Key, Object[]> e : memory.entrySet()) {
        insert.setBytes(1, RowCodec.encode(e.getKey().values()));
        insert.setBytes(2, RowCodec.encode(e.getValue()));
        insert.executeUpdate();
      }
      memory = null;
    } catch (SQLException | java.io.IOException e) {
      throw PorterException.unavailable(
          "cannot spill lookup table "
              + name
              + " to a temporary SQLite file in "
              + tempDir
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private PorterException failure(SQLException e) {
    return PorterException.unavailable(
        "lookup table " + name + ": temporary SQLite file failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    memory = null;
    try {
      if (disk != null) {
        disk.close();
      }
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (SQLException | java.io.IOException e) {
      // a leftover temp file is harmless
    }
  }
}
