package dev.porter.formats;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.PorterVersion;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.RawRow;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.archive.TableReader;
import dev.porter.core.io.IoErrors;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.Rows;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.avro.SystemLimitException;

/**
 * Reads a .porter archive front to back. Every check the format allows is made: tar header
 * checksums, member order, per-member SHA-256, sizes and row counts against the trailer, the
 * trailer's own checksum, and the checksum of every byte before the trailer.
 */
final class PorterArchiveReader implements ArchiveReader {
  /** Decode on another core when there is one. */
  private static final boolean PREFETCH = Runtime.getRuntime().availableProcessors() > 1;

  private static final int MAX_JSON_MEMBER = 256 << 20;

  private final InputStream source;
  private final String name;
  private final boolean verify;
  private final TarReader tar;
  private final ArchiveHeader header;
  private final Deque<TableEntry> pendingData = new ArrayDeque<>();
  private final List<Observed> observed = new ArrayList<>();

  private MemberTable current;
  private ArchiveTrailer trailer;
  private TarReader.Member trailerMember;

  /** What was actually found in one data member. */
  private record Observed(TableEntry entry, long bytes, String sha256, long rows) {}

  PorterArchiveReader(InputStream in, String name, boolean verify) {
    this.source = in;
    this.name = name;
    this.verify = verify;
    this.tar = new TarReader(in, verify);
    this.header = readHeader();
    for (TableEntry e : header.tables()) {
      if (e.member() != null) {
        pendingData.add(e);
      }
    }
  }

  @Override
  public ArchiveHeader header() {
    return header;
  }

  private ArchiveHeader readHeader() {
    TarReader.Member m;
    try {
      m = tar.next();
    } catch (IOException e) {
      throw PorterException.corrupt(
          "not a porter archive: " + name + " (" + e.getMessage() + ")", e);
    } catch (PorterException e) {
      throw PorterException.corrupt("not a porter archive: " + name + " (" + e.getMessage() + ")");
    }
    if (m == null || !m.name().equals(PorterArchiveWriter.HEADER_MEMBER)) {
      throw PorterException.corrupt(
          "not a porter archive: "
              + name
              + " (its first member is "
              + (m == null ? "missing" : m.name())
              + ", expected "
              + PorterArchiveWriter.HEADER_MEMBER
              + ")");
    }
    Object parsed;
    try {
      parsed = ArchiveJson.parse(readSmall(m));
    } catch (IOException | IllegalArgumentException e) {
      throw PorterException.corrupt(
          "archive " + name + ": " + m.name() + " is not valid JSON (" + e.getMessage() + ")", e);
    }
    Map<?, ?> tree = parsed instanceof Map<?, ?> o ? o : Map.of();
    String format = tree.get("format") instanceof String f ? f : "";
    if (!ArchiveHeader.FORMAT_NAME.equals(format)) {
      throw PorterException.corrupt(
          "not a porter archive: " + name + " (format is '" + format + "')");
    }
    long version = tree.get("formatVersion") instanceof Long v ? v : -1;
    if (version < 1) {
      throw PorterException.corrupt(
          "archive " + name + ": missing or invalid formatVersion in " + m.name());
    }
    if (version > ArchiveHeader.HIGHEST_READABLE_FORMAT_VERSION) {
      throw new PorterException(
          ErrorCategory.REFUSED,
          "archive "
              + name
              + " has format version "
              + version
              + ", written by porter "
              + (tree.get("porterVersion") instanceof String v ? v : "?")
              + "; this porter ("
              + PorterVersion.current()
              + ") reads format versions up to "
              + ArchiveHeader.HIGHEST_READABLE_FORMAT_VERSION
              + ": use a newer porter");
    }
    ArchiveHeader h;
    try {
      h = ArchiveJson.convert(parsed, ArchiveHeader.class);
    } catch (IllegalArgumentException e) {
      throw PorterException.corrupt(
          "archive " + name + ": unreadable " + m.name() + " (" + e.getMessage() + ")", e);
    }
    for (TableEntry e : h.tables()) {
      if (e.table() == null) {
        throw PorterException.corrupt(
            "archive " + name + ": unreadable " + m.name() + " (table " + e.ordinal() + ")");
      }
    }
    return h;
  }

  @Override
  public TableReader nextTable() {
    finishCurrent();
    if (pendingData.isEmpty()) {
      return null;
    }
    TableEntry expected = pendingData.poll();
    TarReader.Member m = nextMember("member " + expected.member());
    if (m == null || !m.name().equals(expected.member())) {
      throw PorterException.corrupt(
          "archive "
              + name
              + " is incomplete: expected member "
              + expected.member()
              + " (table "
              + expected.table().name()
              + "), found "
              + (m == null ? "the end of the archive" : m.name()));
    }
    current = new MemberTable(expected, m);
    return current;
  }

  @Override
  public ArchiveTrailer trailer() {
    if (trailer != null) {
      return trailer;
    }
    while (nextTable() != null) {
      // skipped tables are still hashed and size-checked
    }
    finishCurrent();
    TarReader.Member m = nextMember(PorterArchiveWriter.TRAILER_MEMBER);
    if (m == null || !m.name().equals(PorterArchiveWriter.TRAILER_MEMBER)) {
      throw PorterException.corrupt(
          "archive "
              + name
              + " is truncated: "
              + PorterArchiveWriter.TRAILER_MEMBER
              + " missing (found "
              + (m == null ? "the end of the archive" : m.name())
              + ")");
    }
    trailerMember = m;
    byte[] before = tar.digestBeforeLastHeader();
    byte[] json;
    byte[] digestLine;
    try {
      json = readSmall(m);
      TarReader.Member d = nextMember(PorterArchiveWriter.TRAILER_DIGEST_MEMBER);
      if (d == null || !d.name().equals(PorterArchiveWriter.TRAILER_DIGEST_MEMBER)) {
        throw PorterException.corrupt(
            "archive "
                + name
                + " is truncated: "
                + PorterArchiveWriter.TRAILER_DIGEST_MEMBER
                + " missing");
      }
      digestLine = readSmall(d);
      if (tar.next() != null) {
        throw PorterException.corrupt(
            "archive "
                + name
                + ": unexpected member after "
                + PorterArchiveWriter.TRAILER_DIGEST_MEMBER);
      }
    } catch (IOException e) {
      throw PorterException.corrupt("archive " + name + " is truncated: " + e.getMessage(), e);
    }
    if (verify) {
      // The member's whole content is fixed by the format, so all of it is compared: a changed
      // byte after the checksum itself must not pass either.
      byte[] expected =
          PorterArchiveWriter.trailerDigestLine(json).getBytes(StandardCharsets.US_ASCII);
      if (!java.util.Arrays.equals(digestLine, expected)) {
        throw PorterException.corrupt(
            "archive " + name + ": checksum mismatch in " + PorterArchiveWriter.TRAILER_MEMBER);
      }
    }
    ArchiveTrailer t;
    try {
      t = ArchiveJson.convert(ArchiveJson.parse(json), ArchiveTrailer.class);
    } catch (IllegalArgumentException e) {
      throw PorterException.corrupt(
          "archive " + name + ": unreadable " + PorterArchiveWriter.TRAILER_MEMBER, e);
    }
    check(t, before);
    trailer = t;
    return t;
  }

  private void check(ArchiveTrailer t, byte[] before) {
    if (t.tables().size() != observed.size()) {
      throw PorterException.corrupt(
          "archive "
              + name
              + ": trailer lists "
              + t.tables().size()
              + " data members, the archive holds "
              + observed.size());
    }
    for (int i = 0; i < observed.size(); i++) {
      Observed o = observed.get(i);
      TableSummary s = t.tables().get(i);
      String member = o.entry().member();
      if (!member.equals(s.member())) {
        throw PorterException.corrupt(
            "archive "
                + name
                + ": trailer entry "
                + (i + 1)
                + " names "
                + s.member()
                + ", not "
                + member);
      }
      if (o.bytes() != s.bytes()) {
        throw PorterException.corrupt(
            "archive "
                + name
                + ": member "
                + member
                + " has "
                + o.bytes()
                + " bytes, the trailer says "
                + s.bytes());
      }
      if (verify && !o.sha256().equals(s.sha256())) {
        throw PorterException.corrupt(
            "archive "
                + name
                + ": checksum mismatch in member "
                + member
                + " (table "
                + s.name()
                + ")");
      }
      if (o.rows() >= 0 && o.rows() != s.rows()) {
        throw PorterException.corrupt(
            "archive "
                + name
                + ": member "
                + member
                + " holds "
                + o.rows()
                + " rows, the trailer says "
                + s.rows());
      }
    }
    if (verify && !Digests.hex(before).equals(t.precedingSha256())) {
      throw PorterException.corrupt(
          "archive "
              + name
              + ": checksum mismatch over the archive's bytes before the trailer (a header or padding was altered)");
    }
  }

  private TarReader.Member nextMember(String what) {
    try {
      return tar.next();
    } catch (IOException e) {
      throw PorterException.corrupt(
          "archive "
              + name
              + " is truncated or corrupt before "
              + what
              + ": "
              + IoErrors.reason(e, what),
          e);
    }
  }

  private void finishCurrent() {
    if (current != null) {
      MemberTable c = current;
      current = null;
      observed.add(c.finish());
    }
  }

  private byte[] readSmall(TarReader.Member m) throws IOException {
    if (m.size() > MAX_JSON_MEMBER) {
      throw PorterException.corrupt(
          "archive "
              + name
              + ": member "
              + m.name()
              + " is implausibly large ("
              + m.size()
              + " bytes)");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) m.size());
    m.content().transferTo(out);
    return out.toByteArray();
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException ignored) {
      // nothing was written; closing a reader cannot lose data
    }
  }

  /** The rows of one data member, decoded as they are read. */
  private final class MemberTable implements TableReader {
    private final TableEntry entry;
    private final TarReader.Member member;
    private final MessageDigest digest = Digests.sha256();
    private final DigestInputStream in;

    /** Set by the thread that reads the member's first row (the decoding thread, if any). */
    private volatile AvroContainerReader avro;

    private RowDatumReader rowReader;
    private long rows;
    private boolean exhausted;

    /** Set before the first row: ASCII strings as Utf8Text. */
    private boolean asciiAsBytes;

    /** Set before the first row: plain decimals as DecimalText. */
    private boolean decimalsAsText;

    MemberTable(TableEntry entry, TarReader.Member member) {
      this.entry = entry;
      this.member = member;
      this.in = new DigestInputStream(member.content(), digest);
      in.on(verify);
    }

    @Override
    public TableEntry entry() {
      return entry;
    }

    @Override
    public long rowsRead() {
      return rows;
    }

    @Override
    public void asciiTextAsBytes() {
      if (avro == null && decoder == null) {
        asciiAsBytes = true; // read by the decoding thread, which starts after this
      }
    }

    @Override
    public void decimalsAsText() {
      if (avro == null && decoder == null) {
        decimalsAsText = true; // read by the decoding thread, which starts after this
      }
    }

    @Override
    public Object[] next() {
      if (PREFETCH) {
        return prefetched();
      }
      try {
        return decodeNext();
      } catch (Throwable t) {
        throw convert(t);
      }
    }

    /** Decodes the next row on the calling thread; failures are raised as they come. */
    private Object[] decodeNext() throws IOException {
      if (exhausted) {
        return null;
      }
      openContainer();
      if (!avro.nextRow()) {
        exhausted = true;
        return null;
      }
      Object[] row = rowReader.read(avro.decoder());
      rows++;
      return row;
    }

    /** Reads the container's header and checks its fields against the archive's header, once. */
    private void openContainer() throws IOException {
      if (avro == null) {
        avro = new AvroContainerReader(in);
        RowDatumReader reader = RowDatumReader.forSchema(avro.schemaJson());
        if (asciiAsBytes) {
          reader.asciiTextAsBytes();
        }
        if (decimalsAsText) {
          reader.decimalsAsText();
        }
        rowReader = reader;
        int expected = entry.table().dataColumns().size();
        if (reader.fieldCount() != expected) {
          throw PorterException.corrupt(
              "archive "
                  + name
                  + ": member "
                  + member.name()
                  + " has "
                  + reader.fieldCount()
                  + " fields, the header declares "
                  + expected
                  + " columns for table "
                  + entry.table().name());
        }
      }
    }

    // ---- prepared rows: made by the sink's preparer on the decoding thread (ADR 0033) ----

    private RowPreparer preparer;
    private RowDatumReader.Raw raw;

    /** The block {@link #raw} reads, given back to the reader once the next one is taken. */
    private byte[] previous;

    private long blockLeft;
    private boolean blockStarted;

    @Override
    public boolean prepareWith(RowPreparer p) {
      if (avro != null || decoder != null || preparer != null) {
        return false; // rows were read already
      }
      preparer = p;
      return true;
    }

    @Override
    public RowPreparer.Batch nextBatch() {
      if (preparer == null) {
        throw new IllegalStateException("no preparer");
      }
      if (!PREFETCH) {
        try {
          return decodeBatch();
        } catch (Throwable t) {
          throw convert(t);
        }
      }
      Object item = nextItem();
      return item == null ? null : (RowPreparer.Batch) item;
    }

    /**
     * Opens the container for {@link #raw}, once. Not inlined into {@link #decodeBatch}: there C2
     * compiled all of the container's header reading, every branch of it (ADR 0019), at a call made
     * for every batch.
     */
    private void startRaw() throws IOException {
      openContainer();
      raw = rowReader.raw();
    }

    /**
     * The next batch, decoded here: each row read as a {@link RawRow}, given to the preparer, and
     * decoded into objects only if the preparer does not take it; null at the end of the member.
     */
    private RowPreparer.Batch decodeBatch() throws IOException {
      if (exhausted) {
        return null;
      }
      if (raw == null) {
        startRaw();
      }
      RowPreparer.Batch b = preparer.newBatch();
      while (b.rows() < BATCH_ROWS && b.bytes() < BATCH_BYTES && !abandoned) {
        if (blockLeft == 0) {
          if (blockStarted && !raw.atEnd()) {
            throw new IOException("an Avro block holds bytes after its last row");
          }
          byte[] block = avro.nextBlock();
          if (previous != null) {
            avro.release(previous); // its prepared rows are copied, its others decoded
          }
          previous = block;
          if (block == null) {
            exhausted = true;
            break;
          }
          raw.block(block, avro.blockLength());
          blockStarted = true;
          blockLeft = avro.blockRows();
          continue;
        }
        int start = raw.position();
        raw.next();
        blockLeft--;
        if (!b.add(raw)) {
          b.addObjects(raw.objects(start));
        }
        rows++;
      }
      return b.rows() == 0 ? null : b;
    }

    /** Turns a decoding failure into what porter reports (on the consuming thread). */
    private PorterException convert(Throwable e) {
      if (e instanceof PorterException pe) {
        return pe;
      }
      if (e instanceof SystemLimitException || e instanceof OutOfMemoryError) {
        return tooLarge(e);
      }
      if (e instanceof IOException || e instanceof RuntimeException) {
        // Any failure to decode the member's bytes means they are damaged (Avro may also fail
        // with a NullPointerException on a cut block).
        return PorterException.corrupt(
            "archive "
                + name
                + ": member "
                + member.name()
                + " (table "
                + entry.table().name()
                + ") is corrupt or truncated at row "
                + (rows + 1)
                + ": "
                + e.getMessage(),
            e);
      }
      if (e instanceof Error err) {
        throw err;
      }
      return new PorterException(ErrorCategory.INTERNAL, String.valueOf(e), e);
    }

    // ---- read-ahead: rows are decoded (and decompressed, and hashed) on another core ----

    private static final int BATCH_ROWS = 512;
    private static final long BATCH_BYTES = 1 << 20;

    /**
     * Batches read ahead: two whatever their size, up to 16 within 512 KiB (ADR 0042). With two
     * only, the decoding thread waited for room 0.1 s of a scale-1 import, in waits mostly under a
     * millisecond, while the loader wrote pages, and the loader then waited for it. With 32 within
     * 1 MiB, the scale-10 import kept more through its collection and peaked higher.
     */
    private final ReadAheadQueue queue = new ReadAheadQueue(2, 16, 1 << 19);

    private Thread decoder;
    private java.util.List<Object[]> batch = java.util.List.of();
    private int batchPos;
    private boolean drained;
    private volatile boolean abandoned;

    /** The end of the rows, as a queue item. */
    private static final Object END = new Object();

    private Object[] prefetched() {
      if (drained) {
        return null;
      }
      while (batchPos == batch.size()) {
        Object item = nextItem();
        if (item == null) {
          return null;
        }
        @SuppressWarnings("unchecked")
        java.util.List<Object[]> b = (java.util.List<Object[]>) item;
        batch = b;
        batchPos = 0;
      }
      return batch.get(batchPos++);
    }

    /**
     * The next item the decoding thread made (started at the first call), or null at the end of the
     * member; a failure it met is raised here.
     */
    private Object nextItem() {
      if (drained) {
        return null;
      }
      if (decoder == null) {
        decoder = new Thread(this::decodeAhead, "porter-decode-" + entry.ordinal());
        decoder.setDaemon(true);
        decoder.start();
      }
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PorterException(
            ErrorCategory.INTERNAL, "interrupted while reading the archive", e);
      }
      if (item == END) {
        drained = true;
        join();
        return null;
      }
      if (item instanceof Throwable t) {
        drained = true;
        join();
        throw convert(t);
      }
      return item;
    }

    private void decodeAhead() {
      try {
        if (preparer != null) {
          openContainer();
          avro.readAhead("porter-blocks-" + entry.ordinal());
          RowPreparer.Batch prepared;
          while (!abandoned && (prepared = decodeBatch()) != null) {
            queue.put(prepared, prepared.bytes());
          }
          queue.put(END, 0);
          return;
        }
        java.util.List<Object[]> b = new java.util.ArrayList<>(BATCH_ROWS);
        long bytes = 0;
        Object[] row;
        while (!abandoned && (row = decodeNext()) != null) {
          b.add(row);
          bytes += Rows.approximateBytes(row);
          if (b.size() >= BATCH_ROWS || bytes >= BATCH_BYTES) {
            queue.put(b, bytes);
            b = new java.util.ArrayList<>(BATCH_ROWS);
            bytes = 0;
          }
        }
        if (!b.isEmpty()) {
          queue.put(b, bytes);
        }
        queue.put(END, 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        AvroContainerReader blocks = avro;
        if (blocks != null) {
          blocks.stop(); // the stream is read again after a failure, to report corruption first
        }
        try {
          queue.put(t, 0);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void join() {
      try {
        decoder.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Stops reading ahead (the consumer left the table early); the stream is ours again after. */
    private void stopReadingAhead() {
      if (decoder == null || drained) {
        return;
      }
      abandoned = true;
      while (decoder.isAlive()) {
        AvroContainerReader blocks = avro; // set by the decoding thread before it reads ahead
        if (blocks != null) {
          blocks.stop(); // a decoder waiting for a block ends
        }
        queue.clear(); // unblock a put
        try {
          decoder.join(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      AvroContainerReader blocks = avro;
      if (blocks != null) {
        blocks.stop(); // in case the decoding thread started it after the stop above
      }
      queue.clear();
      drained = true;
      exhausted = false; // rows were left unread: the count is not checked
    }

    /**
     * Avro allocates what a length field announces (up to 2 GB) before it reads the bytes, and it
     * refuses to decompress a block beyond a limit (by default the smaller of 200 MB and a quarter
     * of the heap). One damaged length runs into either, and so does a genuine value that is too
     * large for this heap or limit. The checksums tell the two apart: the rest of the archive is
     * read and checked, and only a corrupt archive is reported as corrupt.
     */
    private PorterException tooLarge(Throwable e) {
      String where =
          "member " + member.name() + " (table " + entry.table().name() + ") at row " + (rows + 1);
      try {
        PorterArchiveReader.this.trailer();
      } catch (PorterException corrupt) {
        return corrupt;
      }
      return new PorterException(
          ErrorCategory.UNAVAILABLE,
          "archive "
              + name
              + ": "
              + where
              + " is too large to decode with this heap and Avro's limits ("
              + e.getMessage()
              + "); the archive is intact: give porter more of both, e.g. JAVA_OPTS='-Xmx4g -D"
              + SystemLimitException.MAX_DECOMPRESS_LENGTH_PROPERTY
              + "=1000000000'",
          e);
    }

    Observed finish() {
      stopReadingAhead();
      try {
        byte[] buffer = new byte[1 << 16];
        while (in.read(buffer) >= 0) {
          // drain, so the digest covers the whole member
        }
      } catch (IOException e) {
        throw PorterException.corrupt(
            "archive "
                + name
                + " is truncated in member "
                + member.name()
                + ": "
                + IoErrors.reason(e, member.name()),
            e);
      }
      return new Observed(
          entry, member.size(), Digests.hex(digest.digest()), exhausted ? rows : -1);
    }
  }
}
