package dev.porter.cli;

import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.PreImages;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    description =
        "Remove the pre-images and backup archives porter keeps beside a database, except the newest N.")
final class CleanupCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--db", required = true, paramLabel = "DB", description = "The database.")
  String db;

  @Option(
      names = "--keep",
      paramLabel = "N",
      defaultValue = "1",
      description = "How many of the newest to keep (default 1).")
  int keep;

  @Override
  public Integer call() {
    DatabaseRef ref = DatabaseRef.parse(db);
    Dialect dialect = Dialects.forRef(ref);
    List<PreImages.Kept> removed;
    DbLock lock = dialect.lock(ref);
    try {
      removed = dialect.preImages(ref).cleanup(keep);
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
        "removed %s (%s); kept the newest %d%n",
        Fmt.plural(removed.size(), "file"), Fmt.bytes(bytes), keep);
    out.flush();
    return 0;
  }
}
