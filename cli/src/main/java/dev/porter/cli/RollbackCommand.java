package dev.porter.cli;

import static dev.porter.cli.CommandModel.add;
import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.database;
import static dev.porter.cli.CommandModel.flag;

import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Dialects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** porter rollback: the database porter replaced last, put back. */
final class RollbackCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "rollback",
          "Put back the database porter replaced last (the newest pre-import or pre-upgrade copy).",
          "Refused when there is none, or when the database changed since porter installed it,"
              + " unless --force. The current database is kept as NAME.pre-rollback.TIMESTAMP.");

  private final OptionSpec db = database(spec, "The database.");

  private final OptionSpec force =
      add(
          spec,
          flag("--force")
              .description("Roll back even if the database changed since porter installed it."));

  @Override
  public Integer call() {
    DatabaseRef ref = DatabaseRef.parse(db.getValue());
    Dialect dialect = Dialects.forRef(ref);
    CommitResult r;
    DbLock lock = dialect.lock(ref);
    try {
      r = dialect.preImages(ref).rollback(force.<Boolean>getValue());
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
