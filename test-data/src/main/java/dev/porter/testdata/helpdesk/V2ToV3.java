package dev.porter.testdata.helpdesk;

import dev.porter.core.model.LogicalType;
import dev.porter.transforms.Column;
import dev.porter.transforms.Record;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Release 2 → 3: customers split into customers and addresses; a VIP flag added with a constant;
 * the comma-separated ticket tags become two tables created from the tickets' rows (one
 * de-duplicated); the audit log is dropped.
 */
public final class V2ToV3 extends Transform {
  public V2ToV3() {
    super("2", "3");
  }

  @Override
  protected void define(Steps s) {
    s.table("customer")
        .split(
            "address",
            a ->
                a.filter(r -> r.get("street") != null)
                    .renameColumn("id", "customer_id")
                    .addColumn("id", LogicalType.INTEGER, r -> r.get("customer_id"))
                    .keepColumns("id", "customer_id", "street", "city", "country_code"))
        .dropColumn("street", "city", "country_code")
        .addColumn("vip", LogicalType.INTEGER, 0L);
    s.table("ticket")
        .derive(
            "tag",
            List.of(Column.of("name", LogicalType.TEXT)),
            (r, out) -> tags(r).forEach(t -> out.accept(Record.of("name", t))),
            t -> t.distinct())
        .derive(
            "ticket_tag",
            List.of(
                Column.of("ticket_id", LogicalType.INTEGER), Column.of("tag", LogicalType.TEXT)),
            (r, out) ->
                tags(r).forEach(t -> out.accept(Record.of("ticket_id", r.get("id"), "tag", t))),
            t -> {})
        .dropColumn("tags");
    s.dropTable("audit_log");
  }

  /** "Billing, urgent,billing" → {billing, urgent}. */
  static Set<String> tags(Record r) {
    Set<String> out = new LinkedHashSet<>();
    String tags = r.getString("tags");
    if (tags != null) {
      for (String t : tags.split(",")) {
        String n = t.trim().toLowerCase(Locale.ROOT);
        if (!n.isEmpty()) {
          out.add(n);
        }
      }
    }
    return out;
  }
}
