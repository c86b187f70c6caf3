package dev.porter.cli;

import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.engine.ExportJob;
import dev.porter.core.engine.ExportResult;
import dev.porter.core.engine.ImportJob;
import dev.porter.core.engine.ImportResult;
import dev.porter.core.engine.Progress;
import dev.porter.formats.PorterArchive;
import dev.porter.testdata.DemoShop;
import dev.porter.testdata.SqliteCompare;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Show porter's main job on a sample SQLite database in a scratch folder:",
      "create it, export it, verify the archive, restore it, and compare the result."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "The scratch folder (default: a new folder under the system temp dir).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Path work =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("porter-demo-");
    Path db = work.resolve("shop.db");
    Path archive = work.resolve("shop" + PorterArchive.SUFFIX);
    Path restored = work.resolve("restored.db");
    Files.deleteIfExists(db);
    Files.deleteIfExists(archive);
    Files.deleteIfExists(restored);
    PrintWriter out = spec.commandLine().getOut();

    out.println("porter demo, in " + work);
    DemoShop.create(db, 2_000, 42);
    out.println("1. created a sample shop database: " + db);

    DatabaseRef source = DatabaseRef.sqliteFile(db);
    ExportResult exported;
    try (ArchiveWriter w = PorterArchive.write(archive, PorterArchive.WriteOptions.defaults())) {
      exported =
          new ExportJob(Dialects.forRef(source), source, null, Clock.systemUTC(), Progress.NONE)
              .run(w);
    }
    out.printf(
        "2. exported %s, %s into %s (%s)%n",
        Fmt.plural(exported.tables(), "table"),
        Fmt.plural(exported.rows(), "row"),
        archive,
        Fmt.bytes(Files.size(archive)));

    DatabaseRef target = DatabaseRef.sqliteFile(restored);
    ImportResult imported;
    try (ArchiveReader r = PorterArchive.read(archive)) {
      imported =
          new ImportJob(
                  Dialects.forRef(target), target, TargetOptions.of(ImportMode.NEW), Progress.NONE)
              .run(r);
    }
    out.printf(
        "3. restored it into %s: %s, checksums, row counts, integrity and foreign keys checked%n",
        restored, Fmt.plural(imported.rows(), "row"));

    String difference = SqliteCompare.difference(db, restored);
    if (difference != null) {
      out.println("4. the restored database DIFFERS from the original: " + difference);
      return 1;
    }
    out.println(
        "4. compared: schema, settings and every value (with its storage class) are identical");
    out.println();
    out.println("Try it yourself:");
    out.println("  ./porter inspect " + archive);
    out.println("  ./porter verify " + archive);
    out.println("  ./porter import " + archive + " --db " + restored + " --mode replace");
    return 0;
  }
}
