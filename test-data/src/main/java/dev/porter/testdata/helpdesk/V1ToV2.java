package dev.porter.testdata.helpdesk;

import dev.porter.core.model.LogicalType;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Release 1 → 2: agents become staff (table and column renamed) whose text role becomes a role id;
 * sessions are dropped; deleted tickets and the 'deleted' status are purged (filter); ticket times
 * change form to ISO-8601 UTC, and a computed {@code updated} column starts equal to {@code
 * created}.
 */
public final class V1ToV2 extends Transform {
  static final Map<String, Long> ROLE_IDS = Map.of("admin", 1L, "agent", 2L, "viewer", 3L);
  private static final DateTimeFormatter V1_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  public V1ToV2() {
    super("1", "2");
  }

  @Override
  protected void define(Steps s) {
    s.renameTable("agent", "staff");
    s.table("staff")
        .renameColumn("full_name", "name")
        .convert("role", LogicalType.INTEGER, role -> roleId((String) role))
        .renameColumn("role", "role_id");
    s.dropTable("session");
    s.table("status").filter(r -> !"deleted".equals(r.get("code")));
    s.table("ticket")
        .filter(r -> !"deleted".equals(r.get("status")))
        .convert("created", V1ToV2::isoUtc)
        .addColumn("updated", LogicalType.TEXT, r -> r.get("created"));
  }

  static Long roleId(String role) {
    Long id = ROLE_IDS.get(role);
    if (id == null) {
      throw new IllegalArgumentException("unknown role '" + role + "'");
    }
    return id;
  }

  /** '2024-03-01 10:00:00' (release 1 stored UTC without a zone) → '2024-03-01T10:00:00Z'. */
  static String isoUtc(Object v1) {
    return LocalDateTime.parse((String) v1, V1_TIME).toInstant(ZoneOffset.UTC).toString();
  }
}
