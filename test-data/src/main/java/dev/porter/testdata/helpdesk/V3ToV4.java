package dev.porter.testdata.helpdesk;

import dev.porter.core.model.LogicalType;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;

/**
 * Release 3 → 4: the country table is folded into addresses through a lookup on its code, then
 * dropped; ticket priorities change type from numbers to words; a per-row Java rule computes each
 * ticket's SLA.
 */
public final class V3ToV4 extends Transform {
  public V3ToV4() {
    super("3", "4");
  }

  @Override
  protected void define(Steps s) {
    s.table("address")
        .fold("country", "country_code", "code", "country_name=name")
        .dropColumn("country_code");
    s.dropTable("country");
    s.table("ticket")
        .addColumn("sla_hours", LogicalType.INTEGER, (Object) null)
        .map(r -> r.with("sla_hours", sla(r.getLong("priority"), r.getString("status"))))
        .convert("priority", LogicalType.TEXT, p -> priorityWord((Long) p));
  }

  static Long sla(Long priority, String status) {
    if ("closed".equals(status)) {
      return null;
    }
    return switch (priority.intValue()) {
      case 1 -> 4L;
      case 3 -> 72L;
      default -> 24L;
    };
  }

  static String priorityWord(Long p) {
    return switch (p.intValue()) {
      case 1 -> "high";
      case 3 -> "low";
      default -> "normal";
    };
  }
}
