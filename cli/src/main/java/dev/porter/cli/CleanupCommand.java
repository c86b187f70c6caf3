package dev.porter.cli;

import static dev.porter.cli.CommandModel.add;
import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.database;
import static dev.porter.cli.CommandModel.directory;
import static dev.porter.cli.CommandModel.number;

import dev.porter.core.PorterException;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.PreImages;
import dev.porter.core.engine.Backups;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** porter cleanup: the copies porter keeps beside a database, except the newest. */
final class CleanupCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "cleanup",
          "Remove the pre-images and backup archives porter keeps beside a database, except the newest N,"
              + " and a staging file a killed import left.");

  private final OptionSpec db = database(spec, "The database.");

  private final OptionSpec keep =
      add(
          spec,
          number(int.class, "--keep")
              .defaultValue("1")
              .description("How many of the newest to keep (default 1)."));

  private final OptionSpec backupDir =
      directory(
          spec,
          "--backup-dir",
          "Also remove this database's upgrade backups in DIR (where upgrade --backup-dir wrote"
              + " them; for PostgreSQL, where upgrade ran), except the newest N.");

  @Override
  public Integer call() {
    int keep = this.keep.getValue();
    java.nio.file.Path backupDir = this.backupDir.getValue();
    DatabaseRef ref = DatabaseRef.parse(db.getValue());
    Dialect dialect = Dialects.forRef(ref);
    List<PreImages.Kept> removed;
    if (backupDir != null && !java.nio.file.Files.isDirectory(backupDir)) {
      throw PorterException.usage(
          "backup directory " + backupDir + " does not exist or is not a directory");
    }
    DbLock lock = dialect.lock(ref);
    try {
      PreImages preImages = dialect.preImages(ref);
      java.util.Set<String> beside = new java.util.HashSet<>();
      for (PreImages.Kept k : preImages.list()) {
        beside.add(java.nio.file.Path.of(k.path()).toAbsolutePath().normalize().toString());
      }
      removed = new java.util.ArrayList<>(preImages.cleanup(keep));
      if (backupDir != null) {
        removed.addAll(Backups.cleanup(backupDir.toAbsolutePath().normalize(), ref, keep, beside));
      }
    } finally {
      lock.close();
    }
    PrintWriter out = spec.commandLine().getOut();
    long bytes = 0;
    for (PreImages.Kept k : removed) {
      out.printf("removed %s%n", k.path());
      bytes += k.bytes();
    }
    out.printf(
        Locale.ROOT,
        "removed %s (%s); kept the newest %d%n",
        Fmt.plural(removed.size(), "file"),
        Fmt.bytes(bytes),
        keep);
    out.flush();
    return 0;
  }
}
