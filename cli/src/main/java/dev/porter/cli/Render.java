package dev.porter.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.porter.core.dialect.Check;
import dev.porter.core.engine.ImportPlan;
import dev.porter.core.engine.ImportReport;
import dev.porter.core.io.IoErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Plans and reports as text for people, and as JSON for scripts (docs/json-output.md). */
final class Render {
  /**
   * JSON for scripts: records by component name, enums by their {@code toString()}, nulls left out
   * (docs/json-output.md). The archive's own header and trailer are written by the formats module.
   * Built on first use only: Jackson's set-up costs a run that prints no JSON about 40 ms.
   */
  static ObjectMapper json() {
    return JsonHolder.MAPPER;
  }

  private static final class JsonHolder {
    static final ObjectMapper MAPPER =
        JsonMapper.builder()
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPropertyInclusion(
                JsonInclude.Value.construct(
                    JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();
  }

  private Render() {}

  static void plan(ImportPlan p, PrintWriter out) {
    out.printf("plan: app %s, release %s → %s%n", p.app(), p.fromVersion(), p.toVersion());
    if (p.refused() && p.steps().isEmpty() && !p.fromVersion().equals(p.toVersion())) {
      // no way from the archive's release to the target's: there is nothing else to show
      out.println("  REFUSED:");
      for (String r : p.refusals()) {
        out.println("    - " + r);
      }
      return;
    }
    if (p.steps().isEmpty()) {
      out.println("  no steps: the archive is at the target release");
    }
    for (ImportPlan.PlannedStep s : p.steps()) {
      out.printf(
          "  step %s (%s → %s)%s%n", s.name(), s.from(), s.to(), s.down() ? ", a down-step" : "");
      for (ImportPlan.PlannedRoute r : s.routes()) {
        if (r.operations().isEmpty()) {
          continue;
        }
        out.printf("    %s → %s: %s%n", r.from(), r.to(), String.join("; ", r.operations()));
      }
      for (String d : s.droppedTables()) {
        out.printf("    drops table %s%n", d);
      }
    }
    out.println("  archive tables:");
    for (ImportPlan.PlannedSource s : p.sources()) {
      String rows = s.rows() == null ? "" : " (" + Fmt.plural(s.rows(), "row") + ")";
      if (s.dropped() != null) {
        out.printf("    %-24s DROPPED%s: %s%n", s.table(), rows, s.dropped());
      } else {
        out.printf("    %-24s → %s%s%n", s.table(), String.join(", ", s.destinations()), rows);
      }
    }
    out.println("  target tables:");
    for (ImportPlan.PlannedTarget t : p.targets()) {
      StringBuilder b = new StringBuilder();
      b.append(
          t.fedBy().isEmpty() ? "not fed by the archive" : "from " + String.join(", ", t.fedBy()));
      if (t.seed()) {
        b.append("; seed table (")
            .append(t.baselineRows())
            .append(" baseline rows), policy ")
            .append(t.seedPolicy());
      }
      if (!t.columnsWithoutDestination().isEmpty()) {
        b.append("; columns dropped: ").append(String.join(", ", t.columnsWithoutDestination()));
      }
      if (!t.columnsDefaulted().isEmpty()) {
        b.append("; defaulted: ").append(String.join(", ", t.columnsDefaulted()));
      }
      out.printf("    %-24s %s%n", t.table(), b);
    }
    if (p.refused()) {
      out.println("  REFUSED:");
      for (String r : p.refusals()) {
        out.println("    - " + r);
      }
    } else {
      out.println("  no refusals: the import can run");
    }
  }

  static void report(ImportReport r, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "imported %s into %s%s in %.2f s%n",
        Fmt.plural(r.rowsWritten(), "row"),
        r.target(),
        r.app() == null
            ? ""
            : " (app " + r.app() + ", release " + r.fromVersion() + " → " + r.toVersion() + ")",
        r.millis() / 1000.0);
    for (ImportReport.StepReport s : r.steps()) {
      out.printf("  step %s (%s → %s)%n", s.name(), s.from(), s.to());
      for (ImportReport.RouteReport rr : s.routes()) {
        if (rr.operations().isEmpty()) {
          continue;
        }
        out.printf(
            "    %s → %s: %s in, %s out; %s%n",
            rr.from(),
            rr.to(),
            Fmt.count(rr.rowsIn()),
            Fmt.count(rr.rowsOut()),
            String.join("; ", rr.operations()));
        for (Map.Entry<String, Long> d : rr.droppedColumns().entrySet()) {
          out.printf(
              "      column %s dropped (%s non-null values)%n",
              d.getKey(), Fmt.count(d.getValue()));
        }
      }
      for (Map.Entry<String, Long> d : s.droppedTables().entrySet()) {
        out.printf("    table %s dropped (%s)%n", d.getKey(), Fmt.plural(d.getValue(), "row"));
      }
    }
    if (r.app() != null) {
      out.println("  tables:");
      for (ImportReport.TableReport t : r.tables()) {
        StringBuilder b = new StringBuilder(Fmt.plural(t.rowsWritten(), "row") + " written");
        if (t.seedPolicy() != null) {
          b.append(", seed table (")
              .append(t.seedPolicy())
              .append("): ")
              .append(Fmt.count(t.rowsSkippedAsSeed()))
              .append(" skipped, ")
              .append(Fmt.count(t.baselineRows()))
              .append(" from the baseline");
        }
        for (Map.Entry<String, Long> d : t.columnsWithoutDestination().entrySet()) {
          b.append("; column ")
              .append(d.getKey())
              .append(" has no destination (")
              .append(Fmt.count(d.getValue()))
              .append(" non-null values)");
        }
        if (!t.columnsDefaulted().isEmpty()) {
          b.append("; defaulted: ").append(String.join(", ", t.columnsDefaulted()));
        }
        appendCoercions(b, t.coercions());
        out.printf("    %-24s %s%n", t.table(), b);
      }
      for (ImportReport.SourceReport s : r.sources()) {
        if (s.dropped() != null) {
          out.printf(
              "    archive table %s: %s, %s%n",
              s.table(), Fmt.plural(s.rowsRead(), "row"), s.dropped());
        }
      }
    }
    if (r.app() == null) {
      for (ImportReport.TableReport t : r.tables()) {
        if (!t.coercions().isEmpty()) {
          StringBuilder b = new StringBuilder();
          appendCoercions(b, t.coercions());
          out.printf("  table %s: %s%n", t.table(), b.substring(2));
        }
      }
      for (ImportReport.SourceReport s : r.sources()) {
        if (s.dropped() != null) {
          out.printf(
              "  archive table %s: %s, %s%n",
              s.table(), Fmt.plural(s.rowsRead(), "row"), s.dropped());
        }
      }
    }
    for (Check c : r.checks()) {
      // a check that did not pass (the rows are in, something else is not) must not read as one
      // that did
      out.printf("  check %-18s %s%s%n", c.name(), c.passed() ? "" : "FAILED: ", c.detail());
    }
    if (r.preImage() != null) {
      out.printf("  previous database kept as %s%n", r.preImage());
    }
  }

  private static void appendCoercions(StringBuilder b, Map<String, Long> coercions) {
    for (Map.Entry<String, Long> c : coercions.entrySet()) {
      b.append("; ")
          .append(Fmt.count(c.getValue()))
          .append(" values converted ")
          .append(c.getKey());
    }
  }

  static String json(Object value) {
    try {
      return json().writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeJson(Path file, Object value) {
    try {
      Files.writeString(file, json(value) + "\n");
    } catch (IOException e) {
      throw dev.porter.core.PorterException.unavailable(
          "cannot write report " + file + ": " + IoErrors.reason(e, file), e);
    }
  }
}
