package dev.porter.transforms;

import dev.porter.core.model.LogicalType;
import dev.porter.core.transform.FlowColumn;
import dev.porter.core.transform.FlowTable;
import dev.porter.core.transform.Lookups;
import dev.porter.core.transform.Route;
import dev.porter.core.transform.RowOp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The route one output table takes from one input table within a step, as it is being declared: its
 * current columns (each bound to a slot of a working row), the stages that fill or filter the
 * working row, and what it has done. Compiled once into a {@link RowOp} that allocates one working
 * row per input row and one output row per emitted row.
 */
final class Pipeline {
  /** One column at this point: its name, type, and the working-row slot holding its value. */
  record Col(String name, LogicalType type, int slot) {}

  /** A stage mutates the working row; returning false drops the row. */
  interface Stage {
    boolean apply(Object[] w, Lookups lookups);
  }

  /** A stage that turns one working row into any number of rows of another layout. */
  interface Expand extends Stage {
    /** Emits rows of the new layout, each an array of {@code width} slots. */
    void expand(Object[] w, Lookups lookups, int width, Consumer<Object[]> next);

    @Override
    default boolean apply(Object[] w, Lookups lookups) {
      throw new UnsupportedOperationException();
    }
  }

  final String from;
  final FlowTable input;
  String name;
  List<Col> cols = new ArrayList<>();
  int slots;
  final List<Stage> stages = new ArrayList<>();
  final List<String> description = new ArrayList<>();
  final Set<String> lookups = new LinkedHashSet<>();

  /**
   * For a stage that gives the app's code a {@link Record} of the working row: whether a later
   * stage of the route changes a value such a Record shows. The Record is then made over a copy of
   * the row, so that one the code keeps stays as the code saw it; otherwise over the row itself.
   */
  static final class Exposure {
    private boolean copy;

    Object[] row(Object[] w) {
      return copy ? w.clone() : w;
    }
  }

  /** The exposures of the stages declared so far. */
  List<Exposure> exposures = new ArrayList<>();

  /** Registers a stage that gives the app's code a Record of the working row. */
  Exposure expose() {
    Exposure e = new Exposure();
    exposures.add(e);
    return e;
  }

  /** Declares a stage that changes values of columns the stages before it may have shown. */
  void changesValues() {
    for (Exposure e : exposures) {
      e.copy = true;
    }
  }

  /** Slots whose values identify a row for de-duplication, or null. */
  int[] distinctSlots;

  /** True once an {@link Expand} stage changed the layout (a derived table). */
  boolean expanded;

  /** The slot count of the layout before the expansion (the first working row's width). */
  int slotsBeforeExpand;

  Pipeline(FlowTable input, String name) {
    this.from = input.name();
    this.input = input;
    this.name = name;
    for (FlowColumn c : input.columns()) {
      cols.add(new Col(c.name(), c.type(), slots++));
    }
  }

  Pipeline copy(String newName) {
    Pipeline p = new Pipeline(input, newName);
    p.cols = new ArrayList<>(cols);
    p.slots = slots;
    p.stages.addAll(stages);
    p.exposures = new ArrayList<>(exposures);
    for (String d : description) {
      // notes about the other tables made from these rows belong to this route only
      if (!d.startsWith("derived table ") && !d.startsWith("split off table ")) {
        p.description.add(d);
      }
    }
    p.lookups.addAll(lookups);
    p.expanded = expanded;
    p.slotsBeforeExpand = slotsBeforeExpand;
    // de-duplication belongs to the table it was declared on, not to tables made from its rows
    return p;
  }

  int index(String column) {
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).name().equals(column)) {
        return i;
      }
    }
    return -1;
  }

  /** Column name → slot, for Record views at this point. */
  Map<String, Integer> slotMap() {
    return new SlotMap(cols);
  }

  /**
   * Column name → slot, read-only, in column order. Looked up for every value a step's function
   * reads by name: the names are compared as references first (a name written in the step's code is
   * the same interned string each time, and the columns' names, read from the archive, are interned
   * here to be that string), then by equality, with no hashing.
   */
  private static final class SlotMap extends java.util.AbstractMap<String, Integer> {
    private final String[] names;
    private final Integer[] slots;
    private final Set<Map.Entry<String, Integer>> entries;

    SlotMap(List<Col> cols) {
      names = new String[cols.size()];
      slots = new Integer[cols.size()];
      Map<String, Integer> m = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        names[i] = cols.get(i).name().intern();
        slots[i] = cols.get(i).slot();
        m.put(names[i], slots[i]);
      }
      entries = Collections.unmodifiableMap(m).entrySet();
    }

    @Override
    public Integer get(Object key) {
      for (int i = 0; i < names.length; i++) {
        if (names[i] == key) {
          return slots[i];
        }
      }
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(key)) {
          return slots[i];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Map.Entry<String, Integer>> entrySet() {
      return entries;
    }
  }

  int newSlot() {
    return slots++;
  }

  FlowTable output() {
    List<FlowColumn> out = new ArrayList<>();
    for (Col c : cols) {
      out.add(new FlowColumn(c.name(), c.type()));
    }
    return new FlowTable(name, out);
  }

  /** Input columns whose values this route does not carry to its output. */
  List<String> droppedInputColumns() {
    if (expanded) {
      List<String> all = new ArrayList<>();
      for (FlowColumn c : input.columns()) {
        all.add(c.name());
      }
      return all;
    }
    Set<Integer> kept = new java.util.HashSet<>();
    for (Col c : cols) {
      kept.add(c.slot());
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < input.columns().size(); i++) {
      if (!kept.contains(i)) {
        out.add(input.columns().get(i).name());
      }
    }
    return out;
  }

  Route route() {
    return route(droppedInputColumns());
  }

  /** Compiles the route; {@code dropped} are the input columns it reports as lost. */
  Route route(List<String> dropped) {
    Stage[] st = stages.toArray(new Stage[0]);
    int[] project = new int[cols.size()];
    for (int i = 0; i < project.length; i++) {
      project[i] = cols.get(i).slot();
    }
    boolean identity = st.length == 0 && isIdentity(project);
    int finalWidth = slots;
    int firstWidth = Math.max(expanded ? slotsBeforeExpand : slots, input.columns().size());
    RowOp op =
        identity
            ? RowOp.IDENTITY
            : new Op(st, firstWidth, project, finalWidth, isSequence(project));
    return new Route(from, name, op, List.copyOf(lookups), dropped, distinctNames(), description);
  }

  /**
   * A compiled route: one working row per input row, put through the stages. Its rows may hold
   * ASCII text as {@link dev.porter.core.model.Utf8Text}: every stage that hands a value to the
   * app's code gives it the {@code String} ({@link SlotRecord#visible}), and the others move values
   * as they are.
   */
  private static final class Op implements RowOp {
    private final Stage[] st;
    private final int firstWidth;
    private final int[] project;
    private final int finalWidth;
    private final boolean sequence;

    Op(Stage[] st, int firstWidth, int[] project, int finalWidth, boolean sequence) {
      this.st = st;
      this.firstWidth = firstWidth;
      this.project = project;
      this.finalWidth = finalWidth;
      this.sequence = sequence;
    }

    @Override
    public void apply(Object[] row, Lookups lookups, Consumer<Object[]> out) {
      Object[] w = new Object[firstWidth];
      System.arraycopy(row, 0, w, 0, row.length);
      run(st, 0, w, lookups, out, project, finalWidth, sequence);
    }

    @Override
    public boolean takesUtf8Text() {
      return true;
    }
  }

  private List<String> distinctNames() {
    if (distinctSlots == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (int s : distinctSlots) {
      Col found = null;
      for (Col c : cols) {
        if (c.slot() == s) {
          found = c;
        }
      }
      if (found == null) {
        throw new IllegalStateException(
            "table " + name + ": a column it is made distinct on was dropped afterwards");
      }
      names.add(found.name());
    }
    return names;
  }

  private boolean isIdentity(int[] project) {
    return project.length == input.columns().size() && isSequence(project);
  }

  /** Whether {@code project} takes slots 0, 1, 2… in order. */
  private static boolean isSequence(int[] project) {
    for (int i = 0; i < project.length; i++) {
      if (project[i] != i) {
        return false;
      }
    }
    return true;
  }

  private static void run(
      Stage[] st,
      int from,
      Object[] w,
      Lookups l,
      Consumer<Object[]> out,
      int[] project,
      int width,
      boolean sequence) {
    for (int i = from; i < st.length; i++) {
      Stage s = st[i];
      if (s instanceof Expand e) {
        int next = i + 1;
        e.expand(w, l, width, nw -> run(st, next, nw, l, out, project, width, sequence));
        return;
      }
      if (!s.apply(w, l)) {
        return;
      }
    }
    if (sequence && w.length == project.length) {
      out.accept(w); // the output row is the working row, made for this row alone
      return;
    }
    Object[] o = new Object[project.length];
    for (int i = 0; i < project.length; i++) {
      o[i] = w[project[i]];
    }
    out.accept(o);
  }
}
