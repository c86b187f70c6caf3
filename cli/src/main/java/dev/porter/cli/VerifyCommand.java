package dev.porter.cli;

import static dev.porter.cli.CommandModel.archive;
import static dev.porter.cli.CommandModel.command;

import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.TableReader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.formats.PorterArchive;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** porter verify: every checksum, size, row count and record of an archive. */
final class VerifyCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "verify",
          "Check an archive: every checksum, every size and row count, and every record decoded.",
          "Names the first bad member; exits 4 if the archive is corrupt or truncated.");

  private final PositionalParamSpec archive =
      archive(spec, "FILE|-", "The archive; - reads standard input.");

  @Override
  public Integer call() {
    String archive = this.archive.getValue();
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
