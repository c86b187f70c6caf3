package dev.porter.cli;

import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.TableReader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.formats.PorterArchive;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check an archive: every checksum, every size and row count, and every record decoded.",
      "Names the first bad member; exits 4 if the archive is corrupt or truncated."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE|-",
      description = "The archive; - reads standard input.")
  String archive;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    long rows = 0;
    ArchiveTrailer trailer;
    int tables;
    try (ArchiveReader reader =
        archive.equals("-")
            ? PorterArchive.read(System.in, "standard input")
            : PorterArchive.read(Path.of(archive))) {
      TableReader t;
      while ((t = reader.nextTable()) != null) {
        while (t.next() != null) {
          rows++;
        }
      }
      trailer = reader.trailer();
      tables = reader.header().tables().size();
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "ok: %s (%d with data), %s, %s; every checksum matches (%s)%n",
            Fmt.plural(tables, "table"),
            trailer.tables().size(),
            Fmt.plural(rows, "row"),
            Fmt.bytes(trailer.totalBytes()),
            Fmt.seconds(System.nanoTime() - start));
    return 0;
  }
}
