package dev.porter.testdata.helpdesk;

import dev.porter.core.model.LogicalType;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;
import java.util.Map;

/**
 * Release 4 → 3, a down-step: priorities become numbers again, the SLA is dropped (reported as
 * lost), and country names map back to the codes release 3 knows (unknown names lose their
 * country).
 */
public final class V4ToV3 extends Transform {
  static final Map<String, String> CODES =
      Map.of(
          "Germany",
          "DE",
          "France",
          "FR",
          "New Zealand",
          "NZ",
          "United States",
          "US",
          "Japan",
          "JP");

  public V4ToV3() {
    super("4", "3");
  }

  @Override
  protected void define(Steps s) {
    s.table("address")
        .convert("country_name", name -> name == null ? null : CODES.get((String) name))
        .renameColumn("country_name", "country_code");
    s.table("ticket")
        .convert("status", st -> "resolved".equals(st) ? "closed" : st)
        .dropColumn("sla_hours")
        .convert(
            "priority",
            LogicalType.INTEGER,
            p ->
                switch ((String) p) {
                  case "high" -> 1L;
                  case "low" -> 3L;
                  default -> 2L;
                });
    s.table("status").filter(r -> !"resolved".equals(r.get("code")));
  }
}
