package dev.porter.cli;

import static dev.porter.cli.CommandModel.add;
import static dev.porter.cli.CommandModel.archive;
import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.flag;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableSummary;
import dev.porter.formats.ArchiveJson;
import dev.porter.formats.PorterArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** porter inspect: an archive's manifest. */
final class InspectCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "inspect",
          "Show an archive's manifest: versions, source, and per table columns, rows, bytes, checksum.");

  private final PositionalParamSpec archive =
      archive(spec, "FILE|-", "The archive; - reads standard input.");

  private final OptionSpec json =
      add(spec, flag("--json").description("Print the manifest as JSON (header and trailer)."));

  @Override
  public Integer call() {
    String archive = this.archive.getValue();
    ArchiveHeader h;
    ArchiveTrailer t;
    try (ArchiveReader reader =
        archive.equals("-")
            ? PorterArchive.read(System.in, "standard input")
            : PorterArchive.read(Path.of(archive), false)) {
      h = reader.header();
      t = reader.trailer();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json.<Boolean>getValue()) {
      // the header and trailer exactly as the archive's format maps them
      try {
        ObjectNode root = Render.json().createObjectNode();
        root.set("header", Render.json().readTree(ArchiveJson.write(h)));
        root.set("trailer", Render.json().readTree(ArchiveJson.write(t)));
        out.println(Render.json().writeValueAsString(root));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return 0;
    }
    out.printf("archive        %s%n", archive);
    out.printf(
        Locale.ROOT,
        "format         %s %d (porter %s)%n",
        h.format(),
        h.formatVersion(),
        h.porterVersion());
    out.printf("created        %s%n", h.createdAt());
    out.printf(
        "source         %s %s, %s%n",
        h.source().engine(), h.source().engineVersion(), h.source().database());
    out.printf(
        "app            %s%n",
        h.app() == null
            ? "(none)"
            : h.app().id() + " at schema version " + h.app().schemaVersion());
    out.printf(
        "contents       %s, %s, %s%n",
        Fmt.plural(h.tables().size(), "table"),
        Fmt.plural(t.totalRows(), "row"),
        Fmt.bytes(t.totalBytes()));
    if (h.postgresql() != null && !h.postgresql().objects().isEmpty()) {
      // what a plain restore recreates besides the tables (ADR 0024)
      Map<String, Integer> kinds = new java.util.LinkedHashMap<>();
      for (var o : h.postgresql().objects()) {
        kinds.merge(o.kind(), 1, Integer::sum);
      }
      List<String> parts = new java.util.ArrayList<>();
      for (Map.Entry<String, Integer> k : kinds.entrySet()) {
        parts.add(
            switch (k.getKey()) {
              case "row security" -> Fmt.plural(k.getValue(), "table") + " with row-level security";
              case "privileges" -> Fmt.plural(k.getValue(), "access list");
              case "owner" -> Fmt.plural(k.getValue(), "owner") + " by schema";
              case "default privileges" -> Fmt.plural(k.getValue(), "default access list");
              case "statistics" -> Fmt.plural(k.getValue(), "statistics object");
              case "text search dictionary" ->
                  k.getValue()
                      + (k.getValue() == 1
                          ? " text search dictionary"
                          : " text search dictionaries");
              default -> Fmt.plural(k.getValue(), k.getKey());
            });
      }
      out.printf("objects        %s%n", String.join(", ", parts));
    }
    if (h.postgresql() != null && !h.postgresql().notCarried().isEmpty()) {
      out.printf("not carried    %s%n", String.join("; ", h.postgresql().notCarried()));
    }
    Map<String, TableSummary> byMember = new HashMap<>();
    for (TableSummary s : t.tables()) {
      byMember.put(s.member(), s);
    }
    int kindWidth = 7; // "virtual"; "large_objects" widens the column
    for (TableEntry e : h.tables()) {
      kindWidth = Math.max(kindWidth, e.table().kind().toString().length());
    }
    out.printf(
        "%n  %-32s %-" + kindWidth + "s %7s %12s %10s  %s%n",
        "table",
        "kind",
        "columns",
        "rows",
        "bytes",
        "sha256");
    for (TableEntry e : h.tables()) {
      TableSummary s = e.member() == null ? null : byMember.get(e.member());
      out.printf(
          Locale.ROOT,
          "  %-32s %-" + kindWidth + "s %7d %12s %10s  %s%n",
          e.table().name(),
          e.table().kind(),
          e.table().columns().size(),
          s == null ? "-" : Fmt.count(s.rows()),
          s == null ? "-" : Fmt.bytes(s.bytes()),
          s == null ? "" : s.sha256().substring(0, 16) + "…");
    }
    return 0;
  }
}
