package dev.porter.core.postgres;

import dev.porter.core.PorterException;
import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.PreImages;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL pre-images are the replaced schemas, renamed {@code porter_<label>_<stamp>_<schema>}
 * in the import's transaction. What porter installed last is recorded in {@code
 * porter_state.installed} with a fingerprint of the data (per table: row count and newest xmin), so
 * rollback can tell whether anything changed since.
 */
final class PgPreImages implements PreImages {
  private static final Pattern NAME =
      Pattern.compile(
          "porter_(pre_import|pre_upgrade|pre_rollback)_(\\d{8}t\\d{6}z(?:-\\d+)?)_(.+)");

  private final DatabaseRef ref;

  PgPreImages(DatabaseRef ref) {
    this.ref = ref;
  }

  @Override
  public List<Kept> list() {
    try (Connection c = Pg.connect(ref)) {
      return list(c);
    } catch (SQLException e) {
      throw Pg.failure("cannot list the pre-images in", ref, e);
    }
  }

  private static List<Kept> list(Connection c) throws SQLException {
    List<Kept> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'porter\\_pre\\_%' ORDER BY nspname")) {
      while (r.next()) {
        Matcher m = NAME.matcher(r.getString(1));
        if (m.matches()) {
          out.add(new Kept(r.getString(1), m.group(1).replace('_', '-'), m.group(2), false, 0));
        }
      }
    }
    out.sort(Comparator.comparing(Kept::stamp).reversed());
    return out;
  }

  /**
   * The name prefix {@code porter_<label>_<stamp>_} of a new group of pre-image schemas: {@code
   * <stamp>-2}, {@code <stamp>-3}… when an earlier group of the same second holds the name (two
   * upgrades, or two rollbacks, within one second).
   */
  static String freePrefix(Connection c, String label, String stamp) throws SQLException {
    String base = "porter_" + label.replace('-', '_') + "_";
    String s = stamp;
    for (int k = 2; ; k++) {
      String prefix = base + s + "_";
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE left(nspname, length(?)) = ?)")) {
        ps.setString(1, prefix);
        ps.setString(2, prefix);
        try (ResultSet r = ps.executeQuery()) {
          r.next();
          if (!r.getBoolean(1)) {
            return prefix;
          }
        }
      }
      s = stamp + "-" + k;
    }
  }

  /**
   * Records, inside the import's transaction's successor, what was installed and its fingerprint.
   */
  static void recordInstalled(Connection c, List<String> preImages, String label)
      throws SQLException {
    recordInstalled(c, preImages, label, fingerprint(c));
  }

  /** Records an installation whose fingerprint was taken in the same transaction. */
  static void recordInstalled(
      Connection c, List<String> preImages, String label, String fingerprint) throws SQLException {
    Pg.exec(c, "CREATE SCHEMA IF NOT EXISTS porter_state");
    Pg.exec(
        c,
        "CREATE TABLE IF NOT EXISTS porter_state.installed (id int PRIMARY KEY, operation text, installed_at text, pre_images text, fingerprint text)");
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO porter_state.installed VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET operation = excluded.operation,"
                + " installed_at = excluded.installed_at, pre_images = excluded.pre_images, fingerprint = excluded.fingerprint")) {
      ps.setString(1, label.replace("pre-", ""));
      ps.setString(2, Instant.now().toString());
      ps.setString(3, String.join(",", preImages));
      ps.setString(4, fingerprint);
      ps.executeUpdate();
    }
  }

  /** Per user table, its row count and its newest row version: any write changes it. */
  static String fingerprint(Connection c) throws SQLException {
    return fingerprint(c, tableFacts(c));
  }

  /**
   * The fingerprint of a database: its tables' facts and its schema's definitions. Prefixed "2:"
   * since it covers the schema; one recorded by an older porter (facts only) is compared as it was
   * made, see {@link #unchanged}.
   */
  static String fingerprint(Connection c, Map<String, TableFact> facts) throws SQLException {
    return "2:" + fingerprint(facts) + ":" + schemaDigest(c);
  }

  /** Whether the database still has the fingerprint recorded at its installation. */
  static boolean unchanged(Connection c, String recorded) throws SQLException {
    if (recorded == null) {
      return false;
    }
    Map<String, TableFact> facts = tableFacts(c);
    return recorded.startsWith("2:")
        ? recorded.equals(fingerprint(c, facts))
        : recorded.equals(fingerprint(facts));
  }

  /**
   * A digest of the user schemas' definitions (porter's own left out): columns with their types,
   * nullability and defaults, constraints, indexes, and the functions, views and triggers. A schema
   * change that touches no row (a column added, an index dropped) changes it.
   */
  static String schemaDigest(Connection c) throws SQLException {
    String user =
        " n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
            + " AND n.nspname NOT LIKE 'porter\\_%'";
    return Pg.string(
        c,
        "SELECT md5(coalesce(string_agg(x, E'\\n' ORDER BY x), '')) FROM ("
            + " SELECT 'c ' || n.nspname || '.' || r.relname || '.' || a.attname || ' '"
            + " || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' '"
            + " || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS x FROM pg_attribute a"
            + " JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
            + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            + " WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'v', 'm') AND"
            + user
            + " UNION ALL SELECT 'k ' || n.nspname || '.' || r.relname || ' ' || co.conname || ' '"
            + " || pg_get_constraintdef(co.oid) FROM pg_constraint co"
            + " JOIN pg_class r ON r.oid = co.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
            + " WHERE"
            + user
            + " UNION ALL SELECT 'i ' || pg_get_indexdef(i.indexrelid) FROM pg_index i"
            + " JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
            + " WHERE"
            + user
            + " UNION ALL SELECT 'f ' || p.oid::regprocedure::text || ' ' || md5(p.prosrc)"
            + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE"
            + user
            + " UNION ALL SELECT 'v ' || n.nspname || '.' || r.relname || ' ' || pg_get_viewdef(r.oid)"
            + " FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace"
            + " WHERE r.relkind IN ('v', 'm') AND"
            + user
            + " UNION ALL SELECT 't ' || pg_get_triggerdef(t.oid) || t.tgenabled::text"
            + " FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid"
            + " JOIN pg_namespace n ON n.oid = r.relnamespace WHERE NOT t.tgisinternal AND"
            + user
            + ") s");
  }

  /** One user table as one scan sees it: its qualified name, rows and newest row version. */
  record TableFact(String qualified, long rows, long newestXmin) {}

  /**
   * One scan of each user table, by porter name. An import takes its row-count check and its
   * fingerprint from the same scan.
   */
  static Map<String, TableFact> tableFacts(Connection c) throws SQLException {
    Map<String, TableFact> out = new java.util.LinkedHashMap<>();
    for (PgCatalog.Rel t : PgCatalog.relations(c, PgCatalog.userSchemas(c))) {
      String q = Pg.qualified(t.schema(), t.name());
      // a table's own rows, not those of tables inheriting from it (a partitioned table has none
      // of its own: its count is its partitions')
      try (java.sql.Statement st = c.createStatement();
          java.sql.ResultSet r =
              st.executeQuery(
                  "SELECT count(*), coalesce(max(xmin::text::bigint), 0) FROM "
                      + (t.kind() == 'r' ? "ONLY " : "")
                      + q)) {
        r.next();
        out.put(t.porterName(), new TableFact(q, r.getLong(1), r.getLong(2)));
      }
    }
    return out;
  }

  static String fingerprint(Map<String, TableFact> facts) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Map.Entry<String, TableFact> t : facts.entrySet()) {
      String row = t.getValue().rows() + "/" + t.getValue().newestXmin();
      md.update((t.getKey() + "=" + row + ";").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Override
  public CommitResult rollback(boolean force) {
    try (Connection c = Pg.connect(ref)) {
      c.setAutoCommit(false);
      Map<String, String> state = state(c);
      List<Kept> kept = list(c);
      String group = null;
      if (state != null && state.get("pre_images") != null && !state.get("pre_images").isEmpty()) {
        Matcher m = NAME.matcher(state.get("pre_images").split(",")[0]);
        if (m.matches()) {
          group = m.group(1) + "_" + m.group(2);
        }
      }
      if (group == null && !kept.isEmpty()) {
        group = kept.get(0).label().replace('-', '_') + "_" + kept.get(0).stamp();
      }
      if (group == null) {
        throw PorterException.refused(
            "there is no previous database in " + ref.display() + " to roll back to");
      }
      // the schemas this rollback renames away: their writers wait from before the fingerprint
      // is compared until the COMMIT, so no write is lost into what becomes the pre-image
      List<String> current = new ArrayList<>();
      for (Kept k : kept) {
        Matcher m = NAME.matcher(k.path());
        if (m.matches() && (m.group(1) + "_" + m.group(2)).equals(group)) {
          current.add(m.group(3));
        }
      }
      Pg.holdWriters(c, current, ref, "a rollback holds them off until its swap");
      if (!force) {
        if (state == null) {
          throw PorterException.refused(
              "porter has no record of installing "
                  + ref.display()
                  + ", so it cannot tell whether the database changed since; --force rolls back anyway");
        }
        if (!unchanged(c, state.get("fingerprint"))) {
          throw PorterException.refused(
              "database "
                  + ref.display()
                  + " changed after porter's "
                  + state.get("operation")
                  + " at "
                  + state.get("installed_at")
                  + "; rolling back would drop those changes; --force rolls back anyway (the current schemas are kept as a pre-image)");
        }
      }
      final String wanted = group;
      if (kept.stream()
          .noneMatch(
              k -> {
                Matcher m = NAME.matcher(k.path());
                return m.matches() && (m.group(1) + "_" + m.group(2)).equals(wanted);
              })) {
        throw PorterException.refused(
            "the previous database of "
                + ref.display()
                + " (pre-image schemas porter_"
                + group
                + "_…) is gone, removed by cleanup or by hand: there is nothing to roll back to");
      }
      String prefix = freePrefix(c, "pre-rollback", PgTarget.STAMP.format(Instant.now()));
      List<String> keptNow = new ArrayList<>();
      Map<String, String> renamed = new LinkedHashMap<>();
      for (Kept k : kept) {
        Matcher m = NAME.matcher(k.path());
        if (!m.matches() || !(m.group(1) + "_" + m.group(2)).equals(group)) {
          continue;
        }
        String schema = m.group(3);
        if ("t"
            .equals(
                Pg.string(
                    c,
                    "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = "
                        + Pg.literal(schema)
                        + ")"))) {
          String away = trim(prefix + schema);
          Pg.exec(c, "ALTER SCHEMA " + Pg.quote(schema) + " RENAME TO " + Pg.quote(away));
          keptNow.add(away);
          renamed.put(away, schema);
        }
        Pg.exec(c, "ALTER SCHEMA " + Pg.quote(k.path()) + " RENAME TO " + Pg.quote(schema));
      }
      // the extensions the import moved into the schemas it created come back with the names
      Pg.moveExtensions(c, renamed);
      c.commit();
      recordInstalled(c, keptNow, "pre-rollback");
      c.commit();
      return new CommitResult(
          ref.display(), keptNow.isEmpty() ? null : "schemas " + String.join(", ", keptNow));
    } catch (SQLException e) {
      throw Pg.failure("cannot roll back", ref, e);
    }
  }

  private static String trim(String s) {
    return s.length() > 63 ? s.substring(0, 63) : s;
  }

  private static Map<String, String> state(Connection c) throws SQLException {
    if (!"t".equals(Pg.string(c, "SELECT to_regclass('porter_state.installed') IS NOT NULL"))) {
      return null;
    }
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT operation, installed_at, pre_images, fingerprint FROM porter_state.installed WHERE id = 1")) {
      if (!r.next()) {
        return null;
      }
      Map<String, String> m = new LinkedHashMap<>();
      m.put("operation", r.getString(1));
      m.put("installed_at", r.getString(2));
      m.put("pre_images", r.getString(3));
      m.put("fingerprint", r.getString(4));
      return m;
    }
  }

  @Override
  public List<Kept> cleanup(int keep) {
    if (keep < 0) {
      throw PorterException.usage("--keep must be 0 or more");
    }
    try (Connection c = Pg.connect(ref)) {
      List<Kept> all = list(c);
      List<String> groups = new ArrayList<>();
      for (Kept k : all) {
        String g = k.label() + k.stamp();
        if (!groups.contains(g)) {
          groups.add(g);
        }
      }
      List<Kept> removed = new ArrayList<>();
      for (Kept k : all) {
        if (groups.indexOf(k.label() + k.stamp()) >= keep) {
          Pg.exec(c, "DROP SCHEMA " + Pg.quote(k.path()) + " CASCADE");
          removed.add(k);
        }
      }
      return removed;
    } catch (SQLException e) {
      throw Pg.failure("cannot clean up", ref, e);
    }
  }
}
