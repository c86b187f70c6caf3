package dev.porter.testdata.helpdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.core.model.LogicalType;
import dev.porter.core.transform.Catalog;
import dev.porter.core.transform.FlowColumn;
import dev.porter.core.transform.FlowTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tables and rows read from a golden JSON-lines file (see transforms/README.md beside them). */
record GoldenFixture(Map<String, FlowTable> tables, Map<String, List<Object[]>> rows) {
  static final String BASE = "/dev/porter/testdata/transforms/";
  private static final ObjectMapper JSON = new ObjectMapper();

  Catalog catalog() {
    return new Catalog(tables.values());
  }

  static GoldenFixture read(String resource) throws IOException {
    String text;
    try (InputStream in = GoldenFixture.class.getResourceAsStream(BASE + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + BASE + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, FlowTable> tables = new LinkedHashMap<>();
    Map<String, List<Object[]>> rows = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String where = resource + ":" + lineNo;
      JsonNode n = JSON.readTree(l);
      String table = n.path("table").asText(null);
      if (table == null) {
        throw new IllegalArgumentException(where + ": no \"table\"");
      }
      if (n.has("columns")) {
        if (tables.containsKey(table)) {
          throw new IllegalArgumentException(where + ": table " + table + " declared twice");
        }
        List<FlowColumn> cols = new ArrayList<>();
        for (Map.Entry<String, JsonNode> c : n.get("columns").properties()) {
          cols.add(
              new FlowColumn(
                  c.getKey(), LogicalType.valueOf(c.getValue().asText().toUpperCase(Locale.ROOT))));
        }
        tables.put(table, new FlowTable(table, cols));
        rows.put(table, new ArrayList<>());
      } else if (n.has("row")) {
        FlowTable t = tables.get(table);
        if (t == null) {
          throw new IllegalArgumentException(where + ": row before the columns of " + table);
        }
        JsonNode r = n.get("row");
        if (r.size() != t.columns().size()) {
          throw new IllegalArgumentException(
              where + ": the row has " + r.size() + " values for columns " + t.columnNames());
        }
        Object[] values = new Object[t.columns().size()];
        for (int i = 0; i < values.length; i++) {
          String col = t.columns().get(i).name();
          if (!r.has(col)) {
            throw new IllegalArgumentException(where + ": the row lacks column " + col);
          }
          values[i] = value(r.get(col), where);
        }
        rows.get(table).add(values);
      } else {
        throw new IllegalArgumentException(where + ": neither \"columns\" nor \"row\"");
      }
    }
    return new GoldenFixture(tables, rows);
  }

  private static Object value(JsonNode v, String where) {
    if (v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return v.longValue();
    }
    if (v.isFloatingPointNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    throw new IllegalArgumentException(where + ": unsupported value " + v);
  }
}
