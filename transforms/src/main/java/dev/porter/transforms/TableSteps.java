package dev.porter.transforms;

import dev.porter.core.model.LogicalType;
import dev.porter.core.transform.FlowTable;
import dev.porter.core.transform.LookupSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** Operations on one table within a step, applied to its rows in the order declared. */
public final class TableSteps {
  private final Steps steps;
  final Pipeline pipeline;

  TableSteps(Steps steps, Pipeline pipeline) {
    this.steps = steps;
    this.pipeline = pipeline;
  }

  /** The table's current name. */
  public String name() {
    return pipeline.name;
  }

  /** The table's current column names. */
  public List<String> columns() {
    List<String> out = new ArrayList<>();
    for (Pipeline.Col c : pipeline.cols) {
      out.add(c.name());
    }
    return out;
  }

  private int require(String column) {
    int i = pipeline.index(column);
    if (i < 0) {
      throw steps.refused(
          "expects table "
              + pipeline.name
              + " to have column "
              + column
              + ", but it has "
              + columns());
    }
    return i;
  }

  private void requireAbsent(String column) {
    if (pipeline.index(column) >= 0) {
      throw steps.refused(
          "cannot add column " + column + " to table " + pipeline.name + ": it exists");
    }
  }

  /** Renames a column. */
  public TableSteps renameColumn(String from, String to) {
    int i = require(from);
    requireAbsent(to);
    Pipeline.Col c = pipeline.cols.get(i);
    pipeline.cols.set(i, new Pipeline.Col(to, c.type(), c.slot()));
    pipeline.description.add("renamed column " + from + " → " + to);
    return this;
  }

  /** Drops columns: their values are discarded and reported with their non-null counts. */
  public TableSteps dropColumn(String... names) {
    for (String n : names) {
      pipeline.cols.remove(require(n));
      pipeline.description.add("dropped column " + n);
    }
    return this;
  }

  /** Keeps only these columns, in this order. */
  public TableSteps keepColumns(String... names) {
    List<Pipeline.Col> kept = new ArrayList<>();
    for (String n : names) {
      kept.add(pipeline.cols.get(require(n)));
    }
    List<String> gone = new ArrayList<>(columns());
    gone.removeAll(Arrays.asList(names));
    pipeline.cols = kept;
    if (!gone.isEmpty()) {
      pipeline.description.add("dropped columns " + String.join(", ", gone));
    }
    return this;
  }

  /** Adds a column holding the same value in every row. */
  public TableSteps addColumn(String name, LogicalType type, Object constant) {
    requireAbsent(name);
    int slot = pipeline.newSlot();
    pipeline.stages.add(
        (w, l) -> {
          w[slot] = constant;
          return true;
        });
    pipeline.cols.add(new Pipeline.Col(name, type, slot));
    pipeline.description.add("added column " + name + " = " + constant);
    return this;
  }

  /** Adds a column computed from each row. */
  public TableSteps addColumn(String name, LogicalType type, Function<Record, Object> compute) {
    requireAbsent(name);
    Map<String, Integer> view = pipeline.slotMap();
    String table = pipeline.name;
    int slot = pipeline.newSlot();
    Pipeline.Exposure seen = pipeline.expose();
    pipeline.stages.add(
        (w, l) -> {
          w[slot] = compute.apply(new SlotRecord(table, view, seen.row(w)));
          return true;
        });
    pipeline.cols.add(new Pipeline.Col(name, type, slot));
    pipeline.description.add("computed column " + name);
    return this;
  }

  /** Changes the form of a column's values (same type). */
  public TableSteps convert(String column, Function<Object, Object> fn) {
    return convert(column, pipeline.cols.get(require(column)).type(), fn);
  }

  /** Changes a column's values and type. */
  public TableSteps convert(String column, LogicalType type, Function<Object, Object> fn) {
    int i = require(column);
    Pipeline.Col c = pipeline.cols.get(i);
    int slot = c.slot();
    pipeline.changesValues();
    pipeline.stages.add(
        (w, l) -> {
          w[slot] = fn.apply(SlotRecord.visible(w[slot]));
          return true;
        });
    pipeline.cols.set(i, new Pipeline.Col(column, type, slot));
    pipeline.description.add(
        "converted column " + column + (type == c.type() ? "" : " to " + type));
    return this;
  }

  /** Keeps only the rows for which {@code keep} is true; the others are counted as filtered. */
  public TableSteps filter(Predicate<Record> keep) {
    Map<String, Integer> view = pipeline.slotMap();
    String table = pipeline.name;
    Pipeline.Exposure seen = pipeline.expose();
    pipeline.stages.add((w, l) -> keep.test(new SlotRecord(table, view, seen.row(w))));
    pipeline.description.add("filtered rows");
    return this;
  }

  /**
   * Arbitrary per-row Java: {@code fn} returns the row with any of its values changed (the columns
   * stay the same; add or drop columns with the other operations).
   */
  public TableSteps map(UnaryOperator<Record> fn) {
    Map<String, Integer> view = pipeline.slotMap();
    String table = pipeline.name;
    List<String> names = columns();
    pipeline.changesValues();
    pipeline.stages.add(
        (w, l) -> {
          // the function's Record is of a copy: this stage writes what it returns into the row
          Record given = new SlotRecord(table, view, w.clone());
          Record r = fn.apply(given);
          if (r != given) {
            for (String n : names) {
              w[view.get(n)] = r.get(n);
            }
          }
          return true;
        });
    pipeline.description.add("mapped rows (Java)");
    return this;
  }

  /**
   * Folds columns of another table into this one: for each row, the row of {@code lookupTable}
   * whose {@code lookupKey} equals this row's {@code localKey} supplies the new columns, given as
   * {@code "newColumn=lookupColumn"} pairs; without a match they are null. {@code lookupTable} is
   * read at this step's input version, completely, before any row of this table.
   */
  public TableSteps fold(String lookupTable, String localKey, String lookupKey, String... columns) {
    int keyIdx = require(localKey);
    int keySlot = pipeline.cols.get(keyIdx).slot();
    LookupSpec spec = steps.lookup(lookupTable, lookupKey);
    FlowTable lt = steps.input().table(lookupTable);
    int[] from = new int[columns.length];
    int[] to = new int[columns.length];
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      String[] p = columns[i].split("=", 2);
      if (p.length != 2) {
        throw steps.refused("fold expects newColumn=lookupColumn, got " + columns[i]);
      }
      String target = p[0].trim();
      String source = p[1].trim();
      from[i] = lt.index(source);
      if (from[i] < 0) {
        throw steps.refused(
            "folds column " + source + " of table " + lookupTable + ", which it lacks");
      }
      requireAbsent(target);
      to[i] = pipeline.newSlot();
      pipeline.cols.add(new Pipeline.Col(target, lt.columns().get(from[i]).type(), to[i]));
      pairs.add(target + " = " + lookupTable + "." + source);
    }
    pipeline.lookups.add(spec.table());
    pipeline.stages.add(
        (w, l) -> {
          Object[] match = l.find(lookupTable, SlotRecord.visible(w[keySlot]));
          for (int i = 0; i < from.length; i++) {
            w[to[i]] = match == null ? null : match[from[i]];
          }
          return true;
        });
    pipeline.description.add(
        "folded "
            + String.join(", ", pairs)
            + " where "
            + localKey
            + " = "
            + lookupTable
            + "."
            + lookupKey);
    return this;
  }

  /**
   * Splits the table in two: a new table receives these rows too, with the columns {@code spec}
   * leaves it (start from every current column; keep, rename, add as needed). Later operations on
   * this table do not affect the new one.
   */
  public TableSteps split(String newTable, Consumer<TableSteps> spec) {
    TableSteps t = new TableSteps(steps, pipeline.copy(newTable));
    t.pipeline.description.add("split from table " + pipeline.name);
    steps.addDerived(t);
    spec.accept(t);
    pipeline.description.add("split off table " + newTable);
    return this;
  }

  /**
   * Creates a table from this table's rows: {@code expand} receives each row and emits any number
   * of rows (records with exactly {@code columns}) of the new table. {@code spec} may declare more
   * operations on the new table, e.g. {@link #distinct()}.
   */
  public TableSteps derive(
      String newTable,
      List<Column> columns,
      BiConsumer<Record, Consumer<Record>> expand,
      Consumer<TableSteps> spec) {
    Pipeline p = pipeline.copy(newTable);
    Map<String, Integer> view = p.slotMap();
    String table = pipeline.name;
    List<String> names = new ArrayList<>();
    for (Column c : columns) {
      names.add(c.name());
    }
    p.slotsBeforeExpand = p.slots;
    p.stages.add(
        (Pipeline.Expand)
            (w, l, width, next) ->
                expand.accept(
                    new SlotRecord(table, view, w),
                    r -> {
                      Object[] nw = new Object[width];
                      for (int i = 0; i < names.size(); i++) {
                        nw[i] = r.get(names.get(i));
                      }
                      next.accept(nw);
                    }));
    p.cols = new ArrayList<>();
    p.slots = 0;
    for (Column c : columns) {
      p.cols.add(new Pipeline.Col(c.name(), c.type(), p.slots++));
    }
    p.expanded = true;
    p.description.add("derived from the rows of table " + table);
    TableSteps t = new TableSteps(steps, p);
    steps.addDerived(t);
    spec.accept(t);
    pipeline.description.add("derived table " + newTable + " from its rows");
    return this;
  }

  /** Drops rows whose values in every column equal an earlier row's. */
  public TableSteps distinct() {
    return distinctOn(columns().toArray(new String[0]));
  }

  /** Drops rows whose values in these columns equal an earlier row's (the first one is kept). */
  public TableSteps distinctOn(String... columnNames) {
    int[] slots = new int[columnNames.length];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = pipeline.cols.get(require(columnNames[i])).slot();
    }
    pipeline.distinctSlots = slots;
    pipeline.description.add("kept distinct rows on " + String.join(", ", columnNames));
    return this;
  }

  /** The rows' types as declared so far, for checks in a step. */
  public Map<String, LogicalType> types() {
    Map<String, LogicalType> m = new LinkedHashMap<>();
    for (Pipeline.Col c : pipeline.cols) {
      m.put(c.name(), c.type());
    }
    return m;
  }
}
