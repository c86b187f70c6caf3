package dev.porter.core.transform;

import dev.porter.core.app.SchemaVersion;

/**
 * One step between two app schema versions, declared explicitly by its {@link #from} and {@link
 * #to}. A step whose {@code to} is older than its {@code from} is a down-step. App authors write
 * steps with the {@code porter-transforms} module; this is the seam the engine runs them through.
 */
public interface VersionStep {
  SchemaVersion from();

  SchemaVersion to();

  /** A name for plans, reports and error messages; by default the class's simple name. */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * The schema pass: given the tables at {@link #from}, returns the tables at {@link #to} and the
   * routes between them. Throws a REFUSED {@code PorterException} naming this step, the table and
   * the column when the input does not fit what the step expects.
   */
  StepPlan plan(Catalog input);
}
