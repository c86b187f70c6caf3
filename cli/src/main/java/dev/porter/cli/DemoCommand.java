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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Show porter's main job on a sample SQLite database in a scratch folder:",
      "create it, export it, verify the archive, restore it, and compare the result."
    })
final class DemoCommand implements Callable<Integer> {
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

    System.out.println("porter demo, in " + work);
    DemoShop.create(db, 2_000, 42);
    System.out.println("1. created a sample shop database: " + db);

    DatabaseRef source = DatabaseRef.sqliteFile(db);
    ExportResult exported;
    try (ArchiveWriter w = PorterArchive.write(archive, PorterArchive.WriteOptions.defaults())) {
      exported =
          new ExportJob(Dialects.forRef(source), source, null, Clock.systemUTC(), Progress.NONE)
              .run(w);
    }
    System.out.printf(
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
    System.out.printf(
        "3. restored it into %s: %s, checksums, row counts, integrity and foreign keys checked%n",
        restored, Fmt.plural(imported.rows(), "row"));

    String difference = SqliteCompare.difference(db, restored);
    if (difference != null) {
      System.out.println("4. the restored database DIFFERS from the original: " + difference);
      return 1;
    }
    System.out.println(
        "4. compared: schema, settings and every value (with its storage class) are identical");
    System.out.println();
    System.out.println("Try it yourself:");
    System.out.println("  ./porter inspect " + archive);
    System.out.println("  ./porter verify " + archive);
    System.out.println("  ./porter import " + archive + " --db " + restored + " --mode replace");
    return 0;
  }
}
