package dev.porter.cli;

import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Dialects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Put back the database porter replaced last (the newest pre-import or pre-upgrade copy).",
      "Refused when there is none, or when the database changed since porter installed it,",
      "unless --force. The current database is kept as NAME.pre-rollback.TIMESTAMP."
    })
final class RollbackCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--db", required = true, paramLabel = "DB", description = "The database.")
  String db;

  @Option(
      names = "--force",
      description = "Roll back even if the database changed since porter installed it.")
  boolean force;

  @Override
  public Integer call() {
    DatabaseRef ref = DatabaseRef.parse(db);
    Dialect dialect = Dialects.forRef(ref);
    CommitResult r;
    DbLock lock = dialect.lock(ref);
    try {
      r = dialect.preImages(ref).rollback(force);
    } finally {
      lock.close();
    }
    spec.commandLine().getOut().printf("rolled back %s%n", r.target());
    if (r.preImage() != null) {
      spec.commandLine()
          .getOut()
          .printf("  the database it replaced is kept as %s%n", r.preImage());
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
