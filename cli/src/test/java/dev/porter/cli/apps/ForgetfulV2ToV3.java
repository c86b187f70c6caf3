package dev.porter.cli.apps;

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
 * The helpdesk's V2ToV3 with one mistake: it never adds {@code vip}, which release 3's customer
 * table declares NOT NULL without a default.
 */
public final class ForgetfulV2ToV3 extends Transform {
  public ForgetfulV2ToV3() {
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
        .dropColumn("street", "city", "country_code");
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
