package dev.porter.core.engine;

import dev.porter.core.PorterException;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.PreImages.Kept;
import dev.porter.core.io.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The backup archives an upgrade wrote into a directory of the operator's choice ({@code upgrade
 * --backup-dir}, or the current directory for PostgreSQL): {@code STEM.pre-upgrade.STAMP.porter},
 * where STEM is {@link DatabaseRef#fileStem()}. Nothing else in that directory is touched.
 */
public final class Backups {
  private Backups() {}

  /** The backups of {@code database} in {@code dir}, newest first. */
  public static List<Kept> list(Path dir, DatabaseRef database) {
    Pattern p =
        Pattern.compile(
            Pattern.quote(database.fileStem())
                + "\\.pre-upgrade\\.(\\d{8}T\\d{6}Z)(-\\d+)?\\.porter");
    List<Kept> out = new ArrayList<>();
    try (var s = Files.list(dir)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Matcher m = p.matcher(f.getFileName().toString());
        if (m.matches() && Files.isRegularFile(f)) {
          out.add(
              new Kept(
                  f.toString(),
                  "pre-upgrade",
                  m.group(1) + (m.group(2) == null ? "" : m.group(2)),
                  true,
                  Files.size(f)));
        }
      }
    } catch (IOException e) {
      throw PorterException.unavailable("cannot list " + dir + ": " + IoErrors.reason(e, dir), e);
    }
    out.sort(Comparator.comparing(Kept::stamp).reversed());
    return out;
  }

  /**
   * Removes the backups of {@code database} in {@code dir} except the newest {@code keep}, and
   * leaves alone those {@code alreadyHandled} names (a SQLite database's own directory, which its
   * pre-images' cleanup covers). Returns what was removed.
   */
  public static List<Kept> cleanup(
      Path dir, DatabaseRef database, int keep, java.util.Set<String> alreadyHandled) {
    List<Kept> removed = new ArrayList<>();
    int seen = 0;
    for (Kept k : list(dir, database)) {
      if (alreadyHandled.contains(k.path())) {
        continue;
      }
      if (seen++ < keep) {
        continue;
      }
      try {
        Files.deleteIfExists(Path.of(k.path()));
      } catch (IOException e) {
        throw PorterException.unavailable(
            "cannot remove " + k.path() + ": " + IoErrors.reason(e, k.path()), e);
      }
      removed.add(k);
    }
    return removed;
  }
}
