package dev.porter.formats;

import dev.porter.core.PorterException;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.archive.TableWriter;
import dev.porter.core.archive.ValueWriter;
import dev.porter.core.io.FileSync;
import dev.porter.core.io.IoErrors;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableSummary;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Writes a .porter archive (docs/archive-format.md). Each table is first encoded into a spool file,
 * because a tar header must state the member's size; the spool is then appended and deleted, so at
 * most one table's encoded data is on disk besides the archive itself.
 */
final class PorterArchiveWriter implements ArchiveWriter {
  static final String HEADER_MEMBER = "porter/header.json";
  static final String TRAILER_MEMBER = "porter/trailer.json";
  static final String TRAILER_DIGEST_MEMBER = "porter/trailer.sha256";

  private final OutputStream sink;
  private final TarWriter tar;
  private final Path spoolDir;
  private final Path finalPath;
  private final Path partialPath;

  /** The partial file's channel, which holds an OS lock on it until the archive is published. */
  private final FileChannel partialChannel;

  /**
   * Deletes the partial file if the JVM is told to end (Ctrl-C, SIGTERM) before the archive is
   * published; removed when the writer closes. A SIGKILL leaves the partial behind.
   */
  private final Thread partialCleanup;

  private final boolean replaceExisting;
  private final Codec codec;
  private final java.util.concurrent.ExecutorService compressors = Compressors.pool();

  /** Blocks' buffers kept from table to table: 512 KB blocks. */
  private final BlockSpares spares = new BlockSpares(1 << 19);

  private final Clock clock;
  private final List<TableSummary> summaries = new ArrayList<>();

  private ArchiveHeader header;
  private long mtime;

  /** Tables being spooled now (several at once when the export runs them in parallel). */
  private final java.util.Set<SpooledTable> open = new java.util.HashSet<>();

  /** Spooled tables waiting for the tables before them to be appended, by ordinal. */
  private final java.util.TreeMap<Integer, SpooledTable> ready = new java.util.TreeMap<>();

  /** The ordinals of the tables that carry data, in archive order, not yet appended. */
  private final java.util.Deque<Integer> toAppend = new java.util.ArrayDeque<>();

  private boolean finished;
  private boolean closed;

  /** The sync of what is appended so far while later tables are encoded, or null. */
  private FileSync.Early earlySync;

  private PorterArchiveWriter(
      OutputStream sink,
      Path finalPath,
      Path partialPath,
      FileChannel partialChannel,
      boolean replaceExisting,
      Path spoolDir,
      Codec codec,
      Clock clock) {
    this.sink = sink;
    this.tar = new TarWriter(sink);
    this.finalPath = finalPath;
    this.partialPath = partialPath;
    this.partialChannel = partialChannel;
    this.partialCleanup = partialPath == null ? null : new Thread(() -> deleteQuietly(partialPath));
    if (partialCleanup != null) {
      Runtime.getRuntime().addShutdownHook(partialCleanup);
    }
    this.replaceExisting = replaceExisting;
    this.spoolDir = spoolDir;
    this.codec = codec;
    this.clock = clock;
  }

  static PorterArchiveWriter toFile(
      Path file, boolean replaceExisting, Path spoolDir, Codec codec, Clock clock) {
    Path abs = file.toAbsolutePath();
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw PorterException.refused(
          "archive path "
              + file
              + " exists and is not a regular file; porter only replaces archive files");
    }
    if (Files.exists(abs) && !replaceExisting) {
      throw PorterException.refused(
          "archive " + file + " already exists; choose another name or pass --force to replace it");
    }
    Path dir = abs.getParent();
    try {
      Files.createDirectories(dir);
      PartialFiles.removeDead(dir, abs.getFileName().toString());
      Path partial = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".partial");
      FileChannel channel = PartialFiles.openLocked(partial);
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      return new PorterArchiveWriter(
          out, abs, partial, channel, replaceExisting, spoolDir, codec, clock);
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot write archive " + file + ": " + IoErrors.reason(e, file), e);
    }
  }

  static PorterArchiveWriter toStream(OutputStream out, Path spoolDir, Codec codec, Clock clock) {
    return new PorterArchiveWriter(
        new BufferedOutputStream(out, 1 << 16), null, null, null, false, spoolDir, codec, clock);
  }

  /** An Avro codec by name ("zstandard", "deflate", "null") and level. */
  record Codec(String name, int level) {}

  /** The member name of a table: its ordinal, then a file-system-safe rendering of its name. */
  static String memberName(int ordinal, String table) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < table.length() && b.length() < 64; i++) {
      char c = table.charAt(i);
      b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-') ? c : '_');
    }
    return String.format(Locale.ROOT, "data/%04d-%s.avro", ordinal, b);
  }

  @Override
  public ArchiveHeader begin(ArchiveHeader h) {
    if (header != null) {
      throw new IllegalStateException("begin() called twice");
    }
    header = withMemberNames(h);
    for (TableEntry e : header.tables()) {
      if (e.member() != null) {
        toAppend.add(e.ordinal());
      }
    }
    mtime = Instant.parse(h.createdAt()).getEpochSecond();
    try {
      tar.writeEntry(HEADER_MEMBER, ArchiveJson.write(header), mtime);
    } catch (IOException e) {
      throw writeFailed(e);
    }
    return header;
  }

  /** The header with member names assigned to every table that carries data. */
  static ArchiveHeader withMemberNames(ArchiveHeader h) {
    List<TableEntry> named = new ArrayList<>();
    for (TableEntry e : h.tables()) {
      String member = e.table().carriesData() ? memberName(e.ordinal(), e.table().name()) : null;
      named.add(new TableEntry(e.ordinal(), member, e.table()));
    }
    return h.withTables(named);
  }

  @Override
  public synchronized TableWriter openTable(TableEntry entry) {
    if (header == null || finished) {
      throw new IllegalStateException("openTable() outside begin()/finish()");
    }
    if (entry.member() == null) {
      throw new IllegalArgumentException("table " + entry.table().name() + " carries no data");
    }
    SpooledTable t = new SpooledTable(entry);
    open.add(t);
    return t;
  }

  /** Appends the spooled tables whose predecessors are all in, in archive order. */
  private synchronized void appendReady() throws IOException {
    boolean appended = false;
    while (!toAppend.isEmpty() && ready.containsKey(toAppend.peek())) {
      SpooledTable t = ready.remove(toAppend.poll());
      try (FileChannel spool = t.spool) {
        tar.writeEntry(t.entry.member(), t.size, mtime, Channels.newInputStream(spool.position(0)));
      }
      summaries.add(t.summary);
      appended = true;
    }
    if (appended && partialChannel != null && !toAppend.isEmpty()) {
      syncEarly();
    }
  }

  /** Starts a sync of the partial file unless one is still running. */
  private void syncEarly() throws IOException {
    if (earlySync != null && earlySync.running()) {
      return;
    }
    sink.flush();
    earlySync = FileSync.Early.start("porter-archive-sync", () -> partialChannel.force(false));
  }

  /** Waits for the early sync, if one runs. */
  private void awaitEarlySync() {
    FileSync.Early sync;
    synchronized (this) {
      sync = earlySync; // started by whichever table's thread appended last
    }
    if (sync != null) {
      sync.await();
    }
  }

  @Override
  public synchronized ArchiveTrailer finish() {
    if (!open.isEmpty()) {
      throw new IllegalStateException("a table is still open");
    }
    if (!toAppend.isEmpty()) {
      throw new IllegalStateException("table " + toAppend.peek() + " was never written");
    }
    try {
      String preceding = Digests.hex(tar.takePrefixDigest());
      ArchiveTrailer trailer =
          new ArchiveTrailer(summaries, preceding, Instant.now(clock).toString());
      byte[] json = ArchiveJson.write(trailer);
      tar.writeEntry(TRAILER_MEMBER, json, mtime);
      byte[] digest = trailerDigestLine(json).getBytes(StandardCharsets.US_ASCII);
      tar.writeEntry(TRAILER_DIGEST_MEMBER, digest, mtime);
      tar.finish();
      sink.flush();
      if (partialPath != null) {
        // synced and published while still open and locked: closing another channel on the
        // file would release this process's lock on it (POSIX), so no FileSync.file here
        awaitEarlySync();
        partialChannel.force(true);
        if (replaceExisting) {
          Files.move(
              partialPath,
              finalPath,
              StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } else {
          publishWithoutReplacing();
        }
        FileSync.directory(finalPath.getParent());
      }
      finished = true;
      if (partialChannel != null) {
        sink.close(); // published: the lock may go now
      }
      return trailer;
    } catch (IOException e) {
      throw writeFailed(e);
    }
  }

  /** The whole content of the trailer's checksum member, in sha256sum's format. */
  static String trailerDigestLine(byte[] trailerJson) {
    return Digests.hex(Digests.sha256().digest(trailerJson)) + "  trailer.json\n";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    compressors.shutdownNow();
    synchronized (this) {
      for (SpooledTable t : new java.util.ArrayList<>(open)) {
        t.abort();
      }
      for (SpooledTable t : ready.values()) {
        t.abort();
      }
      ready.clear();
    }
    if (partialCleanup != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(partialCleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs (or ran) and deletes the partial file if it is still there
      }
    }
    awaitEarlySync();
    try {
      if (partialPath != null) {
        sink.close();
      } else {
        sink.flush();
      }
    } catch (IOException e) {
      if (finished) {
        throw new UncheckedIOException(e);
      }
      // an unfinished archive is discarded anyway: closing it fails again on a full disk, when
      // the buffer's last bytes cannot be written either
    } finally {
      if (partialPath != null) {
        if (!finished) {
          deleteQuietly(partialPath);
        }
        PartialFiles.released(partialPath);
      }
    }
  }

  /** The failure of writing a table's spool file. */
  static PorterException spoolFailed(String table, IOException e) {
    return PorterException.unavailable(
        "cannot write spool file for table " + table + ": " + IoErrors.reason(e, table), e);
  }

  /** Deletes an unpublished partial file (after a publish its name is already gone). */
  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // nothing more to do; a partial left behind is never mistaken for an archive
    }
  }

  /**
   * Gives the complete archive its name unless that name was taken meanwhile: a hard link fails
   * rather than replace (a rename would silently replace on POSIX).
   */
  private void publishWithoutReplacing() throws IOException {
    try {
      Files.createLink(finalPath, partialPath);
      Files.delete(partialPath);
    } catch (FileAlreadyExistsException e) {
      throw PorterException.refused(
          "archive "
              + finalPath
              + " appeared while porter was writing it; it was left as it is"
              + " (pass --force to replace it)");
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(finalPath)) {
        throw PorterException.refused(
            "archive " + finalPath + " appeared while porter was writing it");
      }
      Files.move(partialPath, finalPath, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private PorterException writeFailed(IOException e) {
    String where = finalPath != null ? finalPath.toString() : "standard output";
    return PorterException.unavailable(
        "cannot write archive to " + where + ": " + IoErrors.reason(e, where), e);
  }

  /** One table being encoded into its spool file. */
  private final class SpooledTable implements TableWriter {
    private final TableEntry entry;

    /**
     * The spool, opened with {@code DELETE_ON_CLOSE}: on Linux and macOS the JDK unlinks it as soon
     * as it is open, so a killed export leaves none behind; closing the channel frees the space.
     */
    private final FileChannel spool;

    private long size;
    private TableSummary summary;
    private final MessageDigest digest = Digests.sha256();
    private final OutputStream out;
    private final AvroContainerWriter avro;
    private final RowDatumWriter datum;
    private BlockValueWriter values;
    private boolean done;

    SpooledTable(TableEntry entry) {
      this.entry = entry;
      Schema schema = AvroSchemas.forTable(entry);
      try {
        Files.createDirectories(spoolDir);
        spool =
            FileChannel.open(
                Files.createTempFile(spoolDir, "porter-spool-", ".avro"),
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
        // flushed, never closed, when the table is done: closing it would close the spool
        out =
            new DigestOutputStream(
                new BufferedOutputStream(Channels.newOutputStream(spool), 1 << 16), digest);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("porter.format", Integer.toString(header.formatVersion()));
        meta.put(AvroSchemas.PROP_TABLE, entry.table().name());
        datum = new RowDatumWriter(entry, schema);
        avro =
            new AvroContainerWriter(
                out, schema, datum, meta, codec.name(), codec.level(), spares, compressors);
      } catch (IOException e) {
        throw PorterException.unavailable(
            "cannot create a spool file in " + spoolDir + ": " + IoErrors.reason(e, spoolDir), e);
      }
    }

    @Override
    public void write(Object[] row) {
      try {
        avro.append(row);
      } catch (IOException e) {
        throw failed(e);
      }
    }

    private PorterException failed(IOException e) {
      return spoolFailed(entry.table().name(), e);
    }

    @Override
    public ValueWriter values() {
      if (values == null) {
        values = new BlockValueWriter(entry.table().name(), datum, avro);
      }
      return values;
    }

    @Override
    public TableSummary finish() {
      if (done) {
        throw new IllegalStateException("table closed twice");
      }
      done = true;
      try {
        avro.finish();
        out.flush();
        size = spool.size();
        summary =
            new TableSummary(
                entry.ordinal(),
                entry.table().name(),
                entry.member(),
                avro.rows(),
                size,
                Digests.hex(digest.digest()));
        synchronized (PorterArchiveWriter.this) {
          open.remove(this);
          ready.put(entry.ordinal(), this);
          appendReady();
        }
        return summary;
      } catch (IOException e) {
        abort();
        throw writeFailed(e);
      }
    }

    void abort() {
      done = true;
      synchronized (PorterArchiveWriter.this) {
        open.remove(this);
      }
      avro.close();
      try {
        spool.close();
      } catch (IOException ignored) {
        // the spool was unlinked when it was opened; closing only frees its space
      }
    }
  }
}
