package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.DemoShop;
import dev.porter.testdata.EdgeCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A damaged archive (one flipped byte anywhere, or cut short anywhere) makes {@code porter verify}
 * and {@code porter import --mode replace} exit 4 with one line on stderr, and the import leaves
 * the target's bytes exactly as they were, with no staging file or pre-image beside it.
 */
class CorruptArchiveTest {
  @TempDir static Path shared;

  static byte[] archive;
  static TarLayout layout;
  static Path originalTarget;

  @TempDir Path dir;

  /** Byte positions to damage, named by what they hit. */
  static final Map<String, ToLongFunction<TarLayout>> FLIPS = new LinkedHashMap<>();

  /** Lengths to cut the archive to, named by where the cut falls. */
  static final Map<String, ToLongFunction<TarLayout>> CUTS = new LinkedHashMap<>();

  static {
    String header = "porter/header.json";
    String trailer = "porter/trailer.json";
    String digest = "porter/trailer.sha256";
    FLIPS.put("header.json: first byte", l -> l.member(header).content());
    FLIPS.put("header.json: middle", l -> l.member(header).content() + l.member(header).size() / 2);
    FLIPS.put("header.json: last byte", l -> l.member(header).padding() - 1);
    FLIPS.put("header.json: inside a CREATE TABLE", l -> find(l, header, "CREATE TABLE") + 8);
    FLIPS.put("header.json: a declared type", l -> find(l, header, "\"INTEGER\"") + 3);
    FLIPS.put("header.json: a table name", l -> find(l, header, "\"name\" : \"kv\"") + 10);
    FLIPS.put("header.json tar header: name", l -> l.member(header).header() + 3);
    FLIPS.put("header.json tar header: size", l -> l.member(header).header() + 130);
    FLIPS.put("header.json tar header: checksum", l -> l.member(header).header() + 150);
    FLIPS.put("data member: Avro magic", l -> l.largestData().content());
    FLIPS.put("data member: middle", l -> l.largestData().content() + l.largestData().size() / 2);
    FLIPS.put("data member: last byte", l -> l.largestData().padding() - 1);
    FLIPS.put("data member tar header: mode", l -> l.largestData().header() + 101);
    FLIPS.put("data member tar header: mtime", l -> l.largestData().header() + 140);
    FLIPS.put("data member tar header: magic", l -> l.largestData().header() + 258);
    FLIPS.put("tar padding: first byte", l -> l.firstPadded().padding());
    FLIPS.put(
        "tar padding: last byte",
        l -> l.firstPadded().padding() + l.firstPadded().paddingLength() - 1);
    FLIPS.put("trailer.json tar header: name", l -> l.member(trailer).header() + 8);
    FLIPS.put("trailer.json tar header: checksum space", l -> l.member(trailer).header() + 155);
    FLIPS.put("trailer.json: first byte", l -> l.member(trailer).content());
    FLIPS.put(
        "trailer.json: middle", l -> l.member(trailer).content() + l.member(trailer).size() / 2);
    FLIPS.put("trailer.sha256 tar header: size", l -> l.member(digest).header() + 134);
    FLIPS.put("trailer.sha256: digest", l -> l.member(digest).content() + 5);
    FLIPS.put("trailer.sha256: file name", l -> l.member(digest).content() + 68);
    FLIPS.put("trailer.sha256: padding", l -> l.member(digest).padding() + 3);
    FLIPS.put("end-of-archive block 1", l -> l.endMarker());
    FLIPS.put("end-of-archive block 2", l -> l.endMarker() + 1023);
    FLIPS.put("record padding after the end blocks", l -> l.length() - 1);

    CUTS.put("empty file", l -> 0);
    CUTS.put("inside the first tar header", l -> 100);
    CUTS.put("after the first tar header", l -> 512);
    CUTS.put("inside header.json", l -> l.member(header).content() + 10);
    CUTS.put("at the first data member's header", l -> l.members().get(1).header());
    CUTS.put(
        "inside the largest data member",
        l -> l.largestData().content() + l.largestData().size() / 2);
    CUTS.put("inside a member's padding", l -> l.firstPadded().padding() + 1);
    CUTS.put("right before the trailer", l -> l.member(trailer).header());
    CUTS.put("inside trailer.json's tar header", l -> l.member(trailer).header() + 200);
    CUTS.put("inside trailer.json", l -> l.member(trailer).content() + 20);
    CUTS.put("inside trailer.sha256", l -> l.member(digest).content() + 32);
    CUTS.put("right before the end-of-archive blocks", l -> l.endMarker());
    CUTS.put("inside the end-of-archive blocks", l -> l.endMarker() + 700);
    CUTS.put("inside the record padding", l -> l.length() - 512);
    CUTS.put("last byte missing", l -> l.length() - 1);
  }

  @BeforeAll
  static void makeArchiveAndTarget() throws Exception {
    // The size of the big value is chosen so that the archive ends with record padding after its
    // two end-of-archive blocks (the writer pads to 10240 bytes), so that there is some to damage.
    for (int big = 100_000; layout == null || layout.length() - layout.endMarker() <= 1024; ) {
      big += 1536;
      Path source = shared.resolve("edge-" + big + ".db");
      EdgeCases.create(source, big);
      Path file = shared.resolve("edge-" + big + ".porter");
      Cli.ok("export", "--db", source, "--output", file);
      archive = Files.readAllBytes(file);
      layout = TarLayout.of(archive);
    }
    originalTarget = shared.resolve("target.db");
    DemoShop.create(originalTarget, 300, 7);
  }

  @Test
  void layoutIsAsTheTestExpects() throws Exception {
    assertEquals("porter/header.json", layout.members().get(0).name());
    assertEquals("porter/trailer.sha256", layout.members().get(layout.members().size() - 1).name());
    assertTrue(layout.length() - layout.endMarker() > 1024, "record padding after the end blocks");
    assertTrue(layout.largestData().size() > 100_000, "the big value's member");
    Cli.ok("verify", writeArchive(archive));
  }

  static Stream<String> flips() {
    return FLIPS.keySet().stream();
  }

  static Stream<String> cuts() {
    return CUTS.keySet().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flips")
  void flippedByteIsRefused(String where) throws Exception {
    int pos = (int) FLIPS.get(where).applyAsLong(layout);
    byte[] bad = archive.clone();
    bad[pos] ^= 0x01;
    assertRefusedAndTargetUntouched(bad, where + " (byte " + pos + ")");
    bad[pos] ^= (byte) 0x81; // a second kind of change at the same place: 0x80 in total
    assertRefusedAndTargetUntouched(bad, where + " (byte " + pos + ", 0x80)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cuts")
  void truncatedArchiveIsRefused(String where) throws Exception {
    int length = (int) CUTS.get(where).applyAsLong(layout);
    assertRefusedAndTargetUntouched(
        Arrays.copyOf(archive, length), where + " (" + length + " of " + archive.length + ")");
  }

  private void assertRefusedAndTargetUntouched(byte[] bad, String what) throws Exception {
    Path damaged = writeArchive(bad);

    Cli.Result verify = Cli.run("verify", damaged);
    assertEquals(4, verify.code(), () -> "verify, archive damaged at " + what + "\n" + verify);
    assertOneErrorLine(verify, what);

    Path work = Files.createTempDirectory(dir, "target");
    Path target = work.resolve("app.db");
    Files.copy(originalTarget, target);
    String before = Cli.sha256(target);
    Cli.Result imp = Cli.run("import", damaged, "--db", target, "--mode", "replace");
    assertEquals(4, imp.code(), () -> "import, archive damaged at " + what + "\n" + imp);
    assertOneErrorLine(imp, what);
    assertEquals(before, Cli.sha256(target), "target changed; archive damaged at " + what);
    // the lock file stays once taken, by design (see LockFile); nothing else may be left
    List<String> left = Cli.files(work);
    assertTrue(
        left.equals(List.of("app.db")) || left.equals(List.of(".app.db.porter-lock", "app.db")),
        "files beside the target " + left + "; archive damaged at " + what);
  }

  /** The position of the first occurrence of {@code text} in a member's content. */
  private static long find(TarLayout l, String member, String text) {
    TarLayout.Member m = l.member(member);
    String content =
        new String(
            archive, (int) m.content(), (int) m.size(), java.nio.charset.StandardCharsets.UTF_8);
    int at = content.indexOf(text);
    if (at < 0) {
      throw new IllegalStateException(text + " not found in " + member);
    }
    // the header is ASCII up to there in practice; count bytes to be exact
    return m.content()
        + content.substring(0, at).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private static void assertOneErrorLine(Cli.Result r, String what) {
    assertEquals(1, r.errLines().size(), () -> "one line on stderr expected at " + what + "\n" + r);
    assertTrue(r.err().startsWith("porter: "), r::toString);
  }

  private Path writeArchive(byte[] bytes) throws Exception {
    Path file = Files.createTempFile(dir, "damaged", ".porter");
    Files.write(file, bytes);
    return file;
  }
}
