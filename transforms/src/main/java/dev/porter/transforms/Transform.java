package dev.porter.transforms;

import dev.porter.core.app.SchemaVersion;
import dev.porter.core.transform.Catalog;
import dev.porter.core.transform.StepPlan;
import dev.porter.core.transform.VersionStep;

/**
 * One step of an app between two releases, declared explicitly:
 *
 * <pre>{@code
 * public final class V1ToV2 extends Transform {
 *   public V1ToV2() { super("1", "2"); }
 *
 *   protected void define(Steps s) {
 *     s.renameTable("agent", "staff");
 *     s.table("staff").renameColumn("full_name", "name");
 *     s.dropTable("session");
 *   }
 * }
 * }</pre>
 *
 * {@link #define} runs in the schema pass, once per import, against the tables at {@code from}; the
 * functions it registers run for every row. Tables it does not mention pass through unchanged. A
 * step whose {@code to} is older than its {@code from} is a down-step.
 */
public abstract class Transform implements VersionStep {
  private final SchemaVersion from;
  private final SchemaVersion to;

  protected Transform(String from, String to) {
    this.from = SchemaVersion.of(from);
    this.to = SchemaVersion.of(to);
  }

  @Override
  public final SchemaVersion from() {
    return from;
  }

  @Override
  public final SchemaVersion to() {
    return to;
  }

  /** Declares what the step does. */
  protected abstract void define(Steps steps);

  @Override
  public final StepPlan plan(Catalog input) {
    Steps s = new Steps(this, input);
    define(s);
    return s.build();
  }
}
