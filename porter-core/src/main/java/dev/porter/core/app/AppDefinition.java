package dev.porter.core.app;

import dev.porter.core.PorterException;
import dev.porter.core.io.IoErrors;
import dev.porter.core.transform.VersionStep;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An application's releases as porter sees them: for each schema version, its baseline DDL per
 * engine and its seed tables; how to read the version of a live database; and one transform step
 * per pair of consecutive versions (down-steps optional). Built with {@link #builder} and checked
 * when built: a gap, a duplicate or overlapping step, a step to an undeclared version, or missing
 * DDL is refused, naming the offender.
 */
public final class AppDefinition {
  private final String id;
  private final List<String> engines;
  private final List<Release> releases;
  private final Map<String, VersionProbe> probes;
  private final List<VersionStep> steps;
  private final Map<String, SeedPolicy> seedPolicies;

  /**
   * One release's schema.
   *
   * @param version the schema version
   * @param ddl the baseline DDL per engine: what a fresh install of this release runs
   * @param seedTables tables the baseline fills itself, declared by the author (porter also detects
   *     them)
   * @param afterLoad SQL per engine run after an import's rows are loaded (e.g. rebuilding a
   *     full-text index)
   */
  public record Release(
      SchemaVersion version,
      Map<String, String> ddl,
      Set<String> seedTables,
      Map<String, String> afterLoad) {
    public Release {
      ddl = Collections.unmodifiableMap(new LinkedHashMap<>(ddl));
      seedTables = Collections.unmodifiableSet(new LinkedHashSet<>(seedTables));
      afterLoad = Collections.unmodifiableMap(new LinkedHashMap<>(afterLoad));
    }
  }

  private AppDefinition(Builder b) {
    this.id = b.id;
    this.engines = List.copyOf(b.engines);
    List<Release> rs = new ArrayList<>();
    for (ReleaseBuilder rb : b.releases) {
      rs.add(new Release(rb.version, rb.ddl, rb.seeds, rb.afterLoad));
    }
    rs.sort((x, y) -> x.version().compareTo(y.version()));
    this.releases = List.copyOf(rs);
    this.probes = Collections.unmodifiableMap(new LinkedHashMap<>(b.probes));
    this.steps = List.copyOf(b.steps);
    this.seedPolicies = Collections.unmodifiableMap(new LinkedHashMap<>(b.seedPolicies));
  }

  public static Builder builder(String id, Class<?> resourceBase) {
    return new Builder(id, resourceBase);
  }

  public String id() {
    return id;
  }

  public List<String> engines() {
    return engines;
  }

  public List<Release> releases() {
    return releases;
  }

  public List<VersionStep> steps() {
    return steps;
  }

  public Release newest() {
    return releases.get(releases.size() - 1);
  }

  /** The release of a version, or a REFUSED error naming the versions the app declares. */
  public Release release(SchemaVersion v) {
    for (Release r : releases) {
      if (r.version().equals(v)) {
        return r;
      }
    }
    List<String> known = new ArrayList<>();
    for (Release r : releases) {
      known.add(r.version().toString());
    }
    throw PorterException.refused(
        "app " + id + " has no release " + v + " (its releases: " + String.join(", ", known) + ")");
  }

  public String ddl(SchemaVersion v, String engine) {
    String sql = release(v).ddl().get(engine);
    if (sql == null) {
      throw PorterException.refused(
          "app " + id + " declares no " + engine + " schema for release " + v);
    }
    return sql;
  }

  public VersionProbe probe(String engine) {
    VersionProbe p = probes.get(engine);
    if (p == null) {
      p = probes.get("*");
    }
    if (p == null) {
      throw PorterException.refused(
          "app " + id + " declares no way to read the version of a " + engine + " database");
    }
    return p;
  }

  /** The default seed policy for a table: as declared, else skip. */
  public SeedPolicy seedPolicy(String table) {
    return seedPolicies.getOrDefault(table, SeedPolicy.SKIP);
  }

  /**
   * The steps from {@code from} to {@code to}: up-steps when going up, down-steps when going down,
   * none when equal. Refused, naming what is missing, when the way is not covered.
   */
  public List<VersionStep> chain(SchemaVersion from, SchemaVersion to) {
    release(from);
    release(to);
    List<VersionStep> out = new ArrayList<>();
    int c = from.compareTo(to);
    if (c == 0) {
      return out;
    }
    List<SchemaVersion> path = new ArrayList<>();
    for (Release r : releases) {
      if (between(r.version(), from, to)) {
        path.add(r.version());
      }
    }
    if (c > 0) {
      Collections.reverse(path);
    }
    for (int i = 0; i + 1 < path.size(); i++) {
      SchemaVersion a = path.get(i);
      SchemaVersion b = path.get(i + 1);
      VersionStep s = step(a, b);
      if (s == null) {
        if (c > 0) {
          throw PorterException.refused(
              "archive is at release "
                  + from
                  + ", newer than the target release "
                  + to
                  + ", and app "
                  + id
                  + " has no down-step from "
                  + a
                  + " to "
                  + b);
        }
        throw PorterException.refused("app " + id + " has no step from release " + a + " to " + b);
      }
      out.add(s);
    }
    return out;
  }

  private static boolean between(SchemaVersion v, SchemaVersion a, SchemaVersion b) {
    SchemaVersion lo = a.compareTo(b) <= 0 ? a : b;
    SchemaVersion hi = a.compareTo(b) <= 0 ? b : a;
    return v.compareTo(lo) >= 0 && v.compareTo(hi) <= 0;
  }

  private VersionStep step(SchemaVersion from, SchemaVersion to) {
    for (VersionStep s : steps) {
      if (s.from().equals(from) && s.to().equals(to)) {
        return s;
      }
    }
    return null;
  }

  /** Declares an app. */
  public static final class Builder {
    private final String id;
    private final Class<?> resourceBase;
    private final List<String> engines = new ArrayList<>();
    private final List<ReleaseBuilder> releases = new ArrayList<>();
    private final Map<String, VersionProbe> probes = new LinkedHashMap<>();
    private final List<VersionStep> steps = new ArrayList<>();
    private final Map<String, SeedPolicy> seedPolicies = new LinkedHashMap<>();

    private Builder(String id, Class<?> resourceBase) {
      this.id = id;
      this.resourceBase = resourceBase;
    }

    /** The engines the app runs on ("sqlite", "postgresql"); every release needs DDL for each. */
    public Builder engines(String... names) {
      engines.addAll(List.of(names));
      return this;
    }

    /** Declares a release; resource paths are resolved with the resource base class's loader. */
    public Builder release(String version, Consumer<ReleaseBuilder> spec) {
      ReleaseBuilder rb = new ReleaseBuilder(SchemaVersion.of(version), resourceBase);
      spec.accept(rb);
      releases.add(rb);
      return this;
    }

    /** How to read the version of a live database of {@code engine} ("*" for every engine). */
    public Builder versionProbe(String engine, VersionProbe probe) {
      probes.put(engine, probe);
      return this;
    }

    public Builder steps(VersionStep... s) {
      steps.addAll(List.of(s));
      return this;
    }

    /** The default seed policy of a seed table (skip unless declared). */
    public Builder seedPolicy(String table, SeedPolicy policy) {
      seedPolicies.put(table, policy);
      return this;
    }

    public AppDefinition build() {
      validate();
      return new AppDefinition(this);
    }

    private void validate() {
      if (id == null || id.isBlank()) {
        throw PorterException.refused("an app definition needs an id");
      }
      if (releases.isEmpty()) {
        throw PorterException.refused("app " + id + " declares no release");
      }
      if (engines.isEmpty()) {
        // No engines declared: each release exists on the engines it has DDL for (an app that
        // moves from SQLite to PostgreSQL between releases, say).
        for (ReleaseBuilder r : releases) {
          if (r.ddl.isEmpty()) {
            throw PorterException.refused("app " + id + ": release " + r.version + " has no DDL");
          }
          for (String e : r.ddl.keySet()) {
            if (!engines.contains(e)) {
              engines.add(e);
            }
          }
        }
        for (String e : engines) {
          if (!probes.containsKey(e) && !probes.containsKey("*")) {
            throw PorterException.refused("app " + id + " declares no version probe for " + e);
          }
        }
        validateSteps();
        return;
      }
      List<SchemaVersion> versions = new ArrayList<>();
      for (ReleaseBuilder r : releases) {
        if (versions.contains(r.version)) {
          throw PorterException.refused("app " + id + " declares release " + r.version + " twice");
        }
        versions.add(r.version);
        for (String e : engines) {
          if (r.ddl.get(e) == null) {
            throw PorterException.refused(
                "app " + id + ": release " + r.version + " has no " + e + " DDL");
          }
        }
      }
      for (String e : engines) {
        if (!probes.containsKey(e) && !probes.containsKey("*")) {
          throw PorterException.refused("app " + id + " declares no version probe for " + e);
        }
      }
      validateSteps();
    }

    private void validateSteps() {
      for (VersionProbe probe : probes.values()) {
        if (probe.kind() == VersionProbe.Kind.USER_VERSION) {
          for (ReleaseBuilder r : releases) {
            if (!r.version.toString().matches("\\d{1,9}")) {
              throw PorterException.refused(
                  "app "
                      + id
                      + ": release "
                      + r.version
                      + " cannot be recorded in PRAGMA user_version, which holds an integer;"
                      + " number the releases 1, 2, 3… or declare another version probe");
            }
          }
        }
      }
      List<SchemaVersion> versions = new ArrayList<>();
      for (ReleaseBuilder r : releases) {
        if (versions.contains(r.version)) {
          throw PorterException.refused("app " + id + " declares release " + r.version + " twice");
        }
        versions.add(r.version);
      }
      versions.sort(null);
      Map<String, VersionStep> seen = new LinkedHashMap<>();
      for (VersionStep s : steps) {
        if (!versions.contains(s.from()) || !versions.contains(s.to())) {
          throw PorterException.refused(
              "app "
                  + id
                  + ": step "
                  + s.name()
                  + " goes from "
                  + s.from()
                  + " to "
                  + s.to()
                  + ", but "
                  + (versions.contains(s.from()) ? s.to() : s.from())
                  + " is not a declared release");
        }
        int a = versions.indexOf(s.from());
        int b = versions.indexOf(s.to());
        if (a == b) {
          throw PorterException.refused(
              "app " + id + ": step " + s.name() + " goes from " + s.from() + " to itself");
        }
        if (Math.abs(a - b) != 1) {
          throw PorterException.refused(
              "app "
                  + id
                  + ": step "
                  + s.name()
                  + " ("
                  + s.from()
                  + " → "
                  + s.to()
                  + ") overlaps release "
                  + versions.get(Math.min(a, b) + 1)
                  + "; declare one step per pair of consecutive releases");
        }
        String key = s.from() + "→" + s.to();
        VersionStep other = seen.put(key, s);
        if (other != null) {
          throw PorterException.refused(
              "app "
                  + id
                  + ": steps "
                  + other.name()
                  + " and "
                  + s.name()
                  + " both go from "
                  + s.from()
                  + " to "
                  + s.to());
        }
      }
      for (int i = 0; i + 1 < versions.size(); i++) {
        String key = versions.get(i) + "→" + versions.get(i + 1);
        if (!seen.containsKey(key)) {
          throw PorterException.refused(
              "app "
                  + id
                  + " has a gap: no step from release "
                  + versions.get(i)
                  + " to "
                  + versions.get(i + 1));
        }
      }
    }
  }

  /** Declares one release. */
  public static final class ReleaseBuilder {
    private final SchemaVersion version;
    private final Class<?> resourceBase;
    private final Map<String, String> ddl = new LinkedHashMap<>();
    private final Set<String> seeds = new LinkedHashSet<>();
    private final Map<String, String> afterLoad = new LinkedHashMap<>();

    private ReleaseBuilder(SchemaVersion version, Class<?> resourceBase) {
      this.version = version;
      this.resourceBase = resourceBase;
    }

    /** The baseline DDL of this release for an engine, as SQL text. */
    public ReleaseBuilder ddl(String engine, String sql) {
      ddl.put(engine, sql);
      return this;
    }

    /**
     * The baseline DDL, read from a classpath resource (absolute path, e.g.
     * "/myapp/v3/sqlite.sql").
     */
    public ReleaseBuilder ddlResource(String engine, String resource) {
      return ddl(engine, read(resource));
    }

    public ReleaseBuilder seedTables(String... tables) {
      seeds.addAll(List.of(tables));
      return this;
    }

    /** SQL run after an import's rows are loaded into this release's schema. */
    public ReleaseBuilder afterLoad(String engine, String sql) {
      afterLoad.put(engine, sql);
      return this;
    }

    private String read(String resource) {
      try (InputStream in = resourceBase.getResourceAsStream(resource)) {
        if (in == null) {
          throw PorterException.refused(
              "release " + version + ": DDL resource " + resource + " not found");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw PorterException.unavailable(
            "cannot read DDL resource " + resource + ": " + IoErrors.reason(e, resource), e);
      }
    }
  }
}
