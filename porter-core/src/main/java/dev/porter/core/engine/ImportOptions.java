package dev.porter.core.engine;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.SchemaVersion;
import dev.porter.core.app.SeedPolicy;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.TargetOptions;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to import.
 *
 * @param target how to treat the target database
 * @param app the app whose release to import into, or null for a plain restore of the archived
 *     schema
 * @param to the release to import into (null: the app's newest)
 * @param from the archive's release when the archive does not record it (null: as recorded)
 * @param seedPolicies per seed table, a policy overriding the app's default
 * @param lookupMemoryRows how many rows a lookup or de-duplication table keeps in memory before it
 *     moves to a temporary file
 * @param tempDir where temporary files go
 */
public record ImportOptions(
    TargetOptions target,
    AppDefinition app,
    SchemaVersion to,
    SchemaVersion from,
    Map<String, SeedPolicy> seedPolicies,
    long lookupMemoryRows,
    Path tempDir) {

  public ImportOptions {
    seedPolicies = Map.copyOf(seedPolicies);
  }

  public static ImportOptions restore(ImportMode mode) {
    return new ImportOptions(
        TargetOptions.of(mode), null, null, null, Map.of(), 500_000, defaultTemp());
  }

  public static ImportOptions app(ImportMode mode, AppDefinition app, SchemaVersion to) {
    return new ImportOptions(
        TargetOptions.of(mode), app, to, null, Map.of(), 500_000, defaultTemp());
  }

  public ImportOptions withTarget(TargetOptions t) {
    return new ImportOptions(t, app, to, from, seedPolicies, lookupMemoryRows, tempDir);
  }

  public ImportOptions withSeedPolicies(Map<String, SeedPolicy> p) {
    return new ImportOptions(target, app, to, from, p, lookupMemoryRows, tempDir);
  }

  public ImportOptions withFrom(SchemaVersion v) {
    return new ImportOptions(target, app, to, v, seedPolicies, lookupMemoryRows, tempDir);
  }

  public ImportOptions withLookupMemoryRows(long rows) {
    return new ImportOptions(target, app, to, from, seedPolicies, rows, tempDir);
  }

  static Path defaultTemp() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }
}
