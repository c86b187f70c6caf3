package dev.porter.core.engine;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.SeedPolicy;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.RawRow;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.archive.TableReader;
import dev.porter.core.dialect.LoadMode;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.Target;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.SqliteSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.transform.Catalog;
import dev.porter.core.transform.FlowTable;
import dev.porter.core.transform.LookupSpec;
import dev.porter.core.transform.Lookups;
import dev.porter.core.transform.Route;
import dev.porter.core.transform.RowOp;
import dev.porter.core.transform.StepPlan;
import dev.porter.core.transform.VersionStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The record pass of a {@link ChainPlan}: a graph of small nodes, built once, through which every
 * archive row is pushed: route nodes apply a step's row operation, tap nodes fill lookup tables,
 * load nodes write into the target, drop nodes count what goes nowhere. Archive tables are read in
 * archive order; one whose rows need a lookup that is not complete yet waits in a spill file.
 */
final class ChainRun implements AutoCloseable {
  private static final int PROGRESS_EVERY = ImportJob.PROGRESS_EVERY;

  private final ChainPlan plan;
  private final Target target;
  private final ImportOptions options;
  private final Progress progress;
  private final Map<String, Node> inputs = new LinkedHashMap<>();

  /** Each archive table's first node of the graph, after the rowid SQLite carries is left out. */
  private final Map<String, Node> firstNodes = new HashMap<>();

  private final Map<String, Long> rowsRead = new LinkedHashMap<>();
  private final List<RouteNode> routeNodes = new ArrayList<>();
  private final Map<Integer, Map<String, DropNode>> stepDrops = new LinkedHashMap<>();
  private final Map<String, LoadNode> loads = new LinkedHashMap<>();
  private final Map<String, DropNode> unplaced = new LinkedHashMap<>();
  private final List<KeyedStore> stores = new ArrayList<>();

  /** How many edges of the graph lead into each node. */
  private final Map<Node, Integer> fanIn = new IdentityHashMap<>();

  ChainRun(ChainPlan plan, Target target, ImportOptions options, Progress progress) {
    this.plan = plan;
    this.target = target;
    this.options = options;
    this.progress = progress;
    build();
  }

  /** A receiver of rows. */
  private interface Node {
    void push(Object[] row);
  }

  private void build() {
    int n = plan.stepPlans.size();
    Catalog last = plan.catalogs.get(n);
    Map<String, Node> next = new HashMap<>();
    for (FlowTable f : last.tables()) {
      TableDef b = plan.destination.get(f.name());
      if (b == null) {
        DropNode d = new DropNode();
        unplaced.put(f.name(), d);
        next.put(f.name(), d);
      } else {
        LoadNode l = new LoadNode(f, b, plan.columnMap.get(f.name()), plan.seeds.get(b.name()));
        loads.put(b.name(), l);
        next.put(f.name(), l);
      }
    }
    for (int k = n - 1; k >= 0; k--) {
      StepPlan sp = plan.stepPlans.get(k);
      VersionStep step = plan.steps.get(k);
      Catalog in = plan.catalogs.get(k);
      Map<String, Tap> taps = new HashMap<>();
      for (LookupSpec l : sp.lookups()) {
        FlowTable t = in.table(l.table());
        KeyedStore store =
            new KeyedStore(
                l.table() + " (release " + step.from() + ")",
                options.lookupMemoryRows(),
                options.tempDir());
        stores.add(store);
        taps.put(l.table(), new Tap(step, t, l, store));
      }
      StepLookups lookups = new StepLookups(step, taps);
      Map<String, Node> current = new HashMap<>();
      for (FlowTable t : in.tables()) {
        List<Node> targets = new ArrayList<>();
        for (Route r : sp.routes()) {
          if (r.from().equals(t.name())) {
            RouteNode rn =
                new RouteNode(
                    k,
                    step,
                    r,
                    t,
                    plan.catalogs.get(k + 1).table(r.to()),
                    linked(next.get(r.to())),
                    lookups);
            routeNodes.add(rn);
            targets.add(rn);
          }
        }
        if (targets.isEmpty()) {
          // No route: the step drops the table (a lookup may still read it first), and its rows
          // are counted as dropped by this step.
          DropNode d = new DropNode();
          stepDrops.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(t.name(), d);
          targets.add(d);
        }
        Tap tap = taps.get(t.name());
        if (tap != null) {
          targets.add(tap);
        }
        current.put(t.name(), targets.size() == 1 ? targets.get(0) : new FanOut(targets));
      }
      next = current;
    }
    for (String a : plan.inputs) {
      Node node = linked(next.get(a));
      firstNodes.put(a, node);
      if (plan.rowidFirst.contains(a)) {
        Node inner = node;
        node = row -> inner.push(java.util.Arrays.copyOfRange(row, 1, row.length));
      }
      inputs.put(a, node);
    }
  }

  /** {@code node}, counted as the end of one more edge. */
  private Node linked(Node node) {
    if (node != null) {
      fanIn.merge(node, 1, Integer::sum);
    }
    return node;
  }

  /** The route nodes an archive table's rows pass unchanged, and the loader they reach. */
  private record Direct(List<RouteNode> routes, LoadNode load) {}

  /**
   * How an archive table's rows reach their loader unchanged, or null. They do when no step changes
   * them (each route the identity, dropping no column and no duplicate), nothing else reads them
   * (no lookup, no other archive table into the same nodes), and the loader takes every column in
   * order, into a table without a seed policy. Such rows need not travel as objects: the loader may
   * take them as a plain restore's (ADR 0033, 0031).
   */
  private Direct direct(String name) {
    return line(
        name,
        rn -> rn.route.op() == RowOp.IDENTITY && rn.droppedIdx.length == 0 && rn.distinct == null,
        l -> l.sink != null && l.seed == null && l.take.length == l.unmapped.length);
  }

  /**
   * How an archive table's rows reach their loader through steps that need nothing but the row
   * itself, or null: a line of at least one route node, reading no lookup and dropping no
   * duplicate. Such a table's steps may run on the archive's decoding thread (ADR 0039).
   */
  private Direct throughOwnSteps(String name) {
    if (plan.rowidFirst.contains(name)) {
      return null;
    }
    Direct d = line(name, rn -> rn.route.lookups().isEmpty() && rn.distinct == null, l -> true);
    return d == null || d.routes().isEmpty() ? null : d;
  }

  /**
   * The line of route nodes from archive table {@code name} to a load node, each node reached from
   * this table alone and each route and the loader as asked; null where the rows take any other
   * way.
   */
  private Direct line(
      String name,
      java.util.function.Predicate<RouteNode> route,
      java.util.function.Predicate<LoadNode> load) {
    List<RouteNode> routes = new ArrayList<>();
    Node node = firstNodes.get(name);
    while (node instanceof RouteNode rn && fanIn.getOrDefault(rn, 0) == 1 && route.test(rn)) {
      routes.add(rn);
      node = rn.next;
    }
    if (node instanceof LoadNode l && fanIn.getOrDefault(l, 0) == 1 && load.test(l)) {
      return new Direct(routes, l);
    }
    return null;
  }

  /**
   * The archive tables that go as a plain restore's, each with its way to its loader: every table
   * whose rows reach their loader unchanged, whatever the steps do to the others. Tables that end
   * in a seed table (merged, replaced or skipped against the release's own rows) or nowhere, and
   * those a step changes, take the graph. Once C2 inlined less (ADR 0019, amended a fourth time),
   * loading both ways in one import no longer cost a second large compilation that outweighed the
   * gain (ADR 0034, amended).
   */
  private Map<String, Direct> asRestore() {
    Map<String, Direct> ways = new HashMap<>();
    for (String a : plan.inputs) {
      Direct d = direct(a);
      if (d != null) {
        ways.put(a, d);
      }
    }
    return ways;
  }

  /** Loads rows that reach their loader unchanged as a plain restore does, counted on the way. */
  private long loadDirect(TableReader t, Direct d) {
    RowSink sink = d.load().sink;
    long n = ImportJob.pump(t, sink, plan.rowidFirst.contains(t.entry().table().name()), progress);
    progress.rows(n % PROGRESS_EVERY);
    for (RouteNode rn : d.routes()) {
      rn.in += n;
      rn.out += n;
    }
    d.load().arrived += n;
    return n;
  }

  /**
   * Loads a table whose steps read nothing but its own rows: the steps run on the archive's
   * decoding thread, and the rows they make come here in batches, to the loader (ADR 0039). Where
   * the reader cannot run them there, the rows go through the graph here, as any table's.
   */
  private long loadThroughOwnSteps(TableReader t, Direct d, Node node) {
    String name = t.entry().table().name();
    RowSink sink = d.load().sink;
    if (sink != null && sink.takesUtf8Text() && takeUtf8Text(d.routes())) {
      t.asciiTextAsBytes(); // the steps give the app's functions Strings
    }
    StepsOnDecoder steps = new StepsOnDecoder(firstNodes.get(name), d.load());
    if (!t.prepareWith(steps)) {
      return pushAll(t, node);
    }
    long n = 0;
    RowPreparer.Batch b;
    while ((b = t.nextBatch()) != null) {
      StepsOnDecoder.Made rows = (StepsOnDecoder.Made) b;
      if (sink != null) {
        for (Object[] row : rows.out) {
          sink.accept(row);
        }
      }
      if (rows.failure != null) {
        throw rows.failure; // after the rows before it, as the graph here would have loaded them
      }
      n = ImportJob.counted(progress, n, rows.rows());
    }
    progress.rows(n % PROGRESS_EVERY);
    d.load().into = null;
    return n;
  }

  private static boolean takeUtf8Text(List<RouteNode> routes) {
    for (RouteNode rn : routes) {
      if (!rn.route.op().takesUtf8Text()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs one table's steps on the archive's decoding thread (ADR 0039), as a {@link RowPreparer}
   * that takes no row raw: each comes as objects, as {@link TableReader#next} gives it, and goes
   * through the table's route nodes. The rows they make reach its load node, which adds them to the
   * batch being filled. A step's failure ends its batch: the rows before it are loaded, then the
   * failure is raised on the loading thread, as the graph would raise it there.
   */
  private static final class StepsOnDecoder implements RowPreparer {
    private final Node first;
    private final LoadNode load;
    private boolean failed;

    StepsOnDecoder(Node first, LoadNode load) {
      this.first = first;
      this.load = load;
    }

    @Override
    public Made newBatch() {
      return new Made();
    }

    /** Rows of the archive put through the steps: how many, and the rows they made. */
    final class Made implements RowPreparer.Batch {
      final List<Object[]> out = new ArrayList<>();
      private int in;
      private long bytes;
      RuntimeException failure;

      @Override
      public boolean add(RawRow row) {
        return false; // steps read objects: the reader decodes the row into them
      }

      @Override
      public void addObjects(Object[] row) {
        in++;
        if (failed) {
          return; // the loading thread stops at the failure's batch
        }
        int made = out.size();
        load.into = out;
        try {
          first.push(row);
        } catch (RuntimeException e) {
          failure = e;
          failed = true;
        }
        for (int i = made; i < out.size(); i++) {
          bytes += dev.porter.core.model.Rows.approximateBytes(out.get(i));
        }
      }

      /** The archive's rows put through the steps (the rows they made are {@link #out}). */
      @Override
      public int rows() {
        return in;
      }

      @Override
      public long bytes() {
        return failure != null ? Long.MAX_VALUE : bytes + 16L * in;
      }
    }
  }

  /** Opens every loader; a replaced seed table loses its baseline rows now. */
  void openLoaders() {
    for (LoadNode l : loads.values()) {
      l.open();
    }
  }

  /** Chunks of large objects loaded past the chain, or -1 when the archive has none. */
  private long largeObjectRows = -1;

  /** Loads a table into the target as it is (large objects: no release's schema has them). */
  private long loadAsTheyAre(TableReader t) {
    List<String> columns = new ArrayList<>();
    for (dev.porter.core.model.ColumnDef c : t.entry().table().dataColumns()) {
      columns.add(c.name());
    }
    dev.porter.core.dialect.RowSink sink =
        target.loader(t.entry().table(), columns, dev.porter.core.dialect.LoadMode.INSERT);
    Object[] row;
    while ((row = t.next()) != null) {
      sink.accept(row);
    }
    return sink.finish();
  }

  /** Reads every table of the archive and pushes its rows through the graph. */
  void process(ArchiveReader reader) {
    Map<String, Direct> asRestore = asRestore();
    Map<String, Direct> ownSteps = new HashMap<>();
    for (String a : plan.inputs) {
      Direct d = asRestore.containsKey(a) ? null : throughOwnSteps(a);
      if (d != null) {
        ownSteps.put(a, d);
      }
    }
    Set<String> completed = new java.util.HashSet<>();
    Map<String, RowSpill> deferred = new LinkedHashMap<>();
    try {
      TableReader t;
      while ((t = reader.nextTable()) != null) {
        String name = t.entry().table().name();
        progress.tableStarted(name, -1);
        if (name.equals(plan.largeObjects)
            && t.entry().table().kind() == dev.porter.core.model.TableKind.LARGE_OBJECTS) {
          largeObjectRows = loadAsTheyAre(t);
          rowsRead.put(name, largeObjectRows);
          continue;
        }
        Node node = inputs.get(name);
        if (node == null) {
          rowsRead.put(name, count(t));
          continue;
        }
        if (completed.containsAll(plan.dependsOn.getOrDefault(name, Set.of()))) {
          Direct d = asRestore.get(name);
          Direct own = ownSteps.get(name);
          long rows =
              d != null
                  ? loadDirect(t, d)
                  : own != null ? loadThroughOwnSteps(t, own, node) : pushAll(t, node);
          rowsRead.put(name, rows);
          completed.add(name);
          drainDeferred(deferred, completed);
        } else {
          RowSpill spill = new RowSpill(options.tempDir(), name);
          deferred.put(name, spill);
          Object[] row;
          while ((row = t.next()) != null) {
            spill.add(row);
          }
          rowsRead.put(name, spill.rows());
        }
      }
      for (String a : plan.inputs) {
        if (!rowsRead.containsKey(a)) {
          completed.add(a); // no data member: nothing to wait for
        }
      }
      drainDeferred(deferred, completed);
      for (Map.Entry<String, RowSpill> e : new ArrayList<>(deferred.entrySet())) {
        replay(e.getKey(), e.getValue());
      }
    } finally {
      for (RowSpill s : deferred.values()) {
        s.close();
      }
    }
  }

  private void drainDeferred(Map<String, RowSpill> deferred, Set<String> completed) {
    boolean progressMade = true;
    while (progressMade) {
      progressMade = false;
      for (Map.Entry<String, RowSpill> e : new ArrayList<>(deferred.entrySet())) {
        if (completed.containsAll(plan.dependsOn.getOrDefault(e.getKey(), Set.of()))) {
          replay(e.getKey(), e.getValue());
          deferred.remove(e.getKey());
          e.getValue().close();
          completed.add(e.getKey());
          progressMade = true;
        }
      }
    }
  }

  private void replay(String name, RowSpill spill) {
    Node node = inputs.get(name);
    progress.tableStarted(name + " (deferred)", spill.rows());
    long[] n = {0};
    spill.replay(
        row -> {
          node.push(row);
          if (++n[0] % PROGRESS_EVERY == 0) {
            progress.rows(PROGRESS_EVERY);
          }
        });
    progress.rows(n[0] % PROGRESS_EVERY);
  }

  private long pushAll(TableReader t, Node node) {
    long n = 0;
    Object[] row;
    while ((row = t.next()) != null) {
      node.push(row);
      if (++n % PROGRESS_EVERY == 0) {
        progress.rows(PROGRESS_EVERY);
      }
    }
    progress.rows(n % PROGRESS_EVERY);
    return n;
  }

  private long count(TableReader t) {
    long n = 0;
    while (t.next() != null) {
      n++;
    }
    return n;
  }

  /** Finishes every loader; returns the row count each target table must have. */
  Map<String, Long> finishLoaders() {
    Map<String, Long> expected = new LinkedHashMap<>();
    for (TableDef b : plan.baseline.tables()) {
      LoadNode l = loads.get(b.name());
      long base = plan.baseline.rows(b.name());
      if (l == null) {
        expected.put(b.name(), base);
        continue;
      }
      l.finish();
      SeedPolicy p = l.seed;
      expected.put(
          b.name(),
          p == SeedPolicy.REPLACE ? l.written : p == SeedPolicy.SKIP ? base : base + l.written);
    }
    if (largeObjectRows >= 0) {
      expected.put(plan.largeObjects, largeObjectRows); // held to the trailer's count below
    }
    return expected;
  }

  /** AUTOINCREMENT floors: a target table fed by exactly one archive table takes its counter. */
  Map<String, Long> sequenceFloors(ArchiveHeader header) {
    Map<String, Long> floors = new LinkedHashMap<>();
    SqliteSchema s = header.sqlite();
    if (s == null) {
      return floors;
    }
    Map<String, Set<String>> origins = plan.origins().get(plan.stepPlans.size());
    for (Map.Entry<String, TableDef> d : plan.destination.entrySet()) {
      if (!d.getValue().autoincrement()) {
        continue;
      }
      Set<String> from = origins.getOrDefault(d.getKey(), Set.of());
      if (from.size() != 1) {
        continue;
      }
      String a = from.iterator().next();
      for (SqliteSchema.SequenceValue v : s.sequences()) {
        if (v.name().equals(a)) {
          floors.put(d.getValue().name(), v.seq());
        }
      }
    }
    return floors;
  }

  List<ImportReport.SourceReport> sourceReports() {
    List<ImportReport.SourceReport> out = new ArrayList<>();
    for (ImportPlan.PlannedSource s : plan.view().sources()) {
      out.add(
          new ImportReport.SourceReport(
              s.table(), rowsRead.getOrDefault(s.table(), 0L), s.destinations(), s.dropped()));
    }
    return out;
  }

  List<ImportReport.TableReport> tableReports() {
    List<ImportReport.TableReport> out = new ArrayList<>();
    for (ImportPlan.PlannedTarget t : plan.view().targets()) {
      LoadNode l = loads.get(t.table());
      if (l == null) {
        out.add(
            new ImportReport.TableReport(
                t.table(),
                t.seedPolicy(),
                0,
                0,
                0,
                t.baselineRows(),
                Map.of(),
                List.of(),
                Map.of()));
        continue;
      }
      Map<String, Long> without = new LinkedHashMap<>();
      for (int i = 0; i < l.flow.columns().size(); i++) {
        if (l.unmapped[i]) {
          without.put(l.flow.columns().get(i).name(), l.nonNull[i]);
        }
      }
      long skipped =
          l.seed == SeedPolicy.SKIP
              ? l.arrived
              : l.seed == SeedPolicy.MERGE ? l.arrived - l.written : 0;
      out.add(
          new ImportReport.TableReport(
              t.table(),
              t.seedPolicy(),
              l.arrived,
              l.written,
              skipped,
              t.baselineRows(),
              without,
              t.columnsDefaulted(),
              l.sink == null ? Map.of() : l.sink.coercions()));
    }
    return out;
  }

  List<ImportReport.StepReport> stepReports() {
    List<ImportReport.StepReport> out = new ArrayList<>();
    for (int k = 0; k < plan.steps.size(); k++) {
      VersionStep s = plan.steps.get(k);
      List<ImportReport.RouteReport> routes = new ArrayList<>();
      for (RouteNode rn : routeNodes) {
        if (rn.k == k) {
          Map<String, Long> dropped = new LinkedHashMap<>();
          for (int i = 0; i < rn.droppedIdx.length; i++) {
            dropped.put(rn.route.droppedColumns().get(i), rn.droppedNonNull[i]);
          }
          routes.add(
              new ImportReport.RouteReport(
                  rn.route.from(), rn.route.to(), rn.route.description(), rn.in, rn.out, dropped));
        }
      }
      routes.sort(java.util.Comparator.comparing(ImportReport.RouteReport::from));
      Map<String, Long> droppedTables = new LinkedHashMap<>();
      for (Map.Entry<String, DropNode> e : stepDrops.getOrDefault(k, Map.of()).entrySet()) {
        droppedTables.put(e.getKey(), e.getValue().rows);
      }
      out.add(
          new ImportReport.StepReport(
              s.name(), s.from().toString(), s.to().toString(), routes, droppedTables));
    }
    return out;
  }

  @Override
  public void close() {
    for (KeyedStore s : stores) {
      s.close();
    }
    for (RouteNode r : routeNodes) {
      if (r.distinct != null) {
        r.distinct.close();
      }
    }
  }

  private static final class FanOut implements Node {
    private final Node[] targets;

    FanOut(List<Node> targets) {
      this.targets = targets.toArray(new Node[0]);
    }

    @Override
    public void push(Object[] row) {
      for (Node t : targets) {
        t.push(row);
      }
    }
  }

  private static final class DropNode implements Node {
    long rows;

    @Override
    public void push(Object[] row) {
      rows++;
    }
  }

  /** Fills one lookup table. */
  private static final class Tap implements Node {
    private final VersionStep step;
    private final LookupSpec spec;
    private final int[] keyIdx;
    private final KeyedStore store;

    Tap(VersionStep step, FlowTable table, LookupSpec spec, KeyedStore store) {
      this.step = step;
      this.spec = spec;
      this.store = store;
      keyIdx = new int[spec.keyColumns().size()];
      for (int i = 0; i < keyIdx.length; i++) {
        keyIdx[i] = table.index(spec.keyColumns().get(i));
      }
    }

    @Override
    public void push(Object[] row) {
      Object[] key = new Object[keyIdx.length];
      for (int i = 0; i < key.length; i++) {
        key[i] = row[keyIdx[i]];
      }
      if (!store.putIfAbsent(key, row)) {
        throw PorterException.refused(
            "step "
                + step.name()
                + " looks up table "
                + spec.table()
                + " by "
                + spec.keyColumns()
                + ", but key "
                + java.util.Arrays.toString(key)
                + " occurs twice");
      }
    }
  }

  /** The lookup tables of one step, as row operations see them. */
  private static final class StepLookups implements Lookups {
    private final VersionStep step;
    private final Map<String, Tap> taps;

    StepLookups(VersionStep step, Map<String, Tap> taps) {
      this.step = step;
      this.taps = taps;
    }

    @Override
    public Object[] find(String table, Object... key) {
      Tap t = taps.get(table);
      if (t == null) {
        throw new IllegalStateException(
            "step " + step.name() + " reads table " + table + " without declaring it as a lookup");
      }
      return t.store.get(key);
    }
  }

  /** One route of one step. */
  private final class RouteNode implements Node {
    final int k;
    final VersionStep step;
    final Route route;
    final Node next;
    final Lookups lookups;
    final int[] droppedIdx;
    final long[] droppedNonNull;
    final int[] distinctIdx;
    final KeyedStore distinct;
    final Consumer<Object[]> emit;
    long in;
    long out;

    RouteNode(
        int k,
        VersionStep step,
        Route route,
        FlowTable from,
        FlowTable to,
        Node next,
        Lookups lookups) {
      this.k = k;
      this.step = step;
      this.route = route;
      this.next = next;
      this.lookups = lookups;
      droppedIdx = new int[route.droppedColumns().size()];
      for (int i = 0; i < droppedIdx.length; i++) {
        droppedIdx[i] = from.index(route.droppedColumns().get(i));
      }
      droppedNonNull = new long[droppedIdx.length];
      if (route.distinctOn().isEmpty()) {
        distinctIdx = null;
        distinct = null;
        emit =
            r -> {
              out++;
              next.push(r);
            };
      } else {
        distinctIdx = new int[route.distinctOn().size()];
        for (int i = 0; i < distinctIdx.length; i++) {
          distinctIdx[i] = to.index(route.distinctOn().get(i));
        }
        distinct =
            new KeyedStore(
                "distinct rows of " + route.to(), options.lookupMemoryRows(), options.tempDir());
        emit =
            r -> {
              Object[] key = new Object[distinctIdx.length];
              for (int i = 0; i < key.length; i++) {
                key[i] = r[distinctIdx[i]];
              }
              if (distinct.putIfAbsent(key, new Object[0])) {
                out++;
                next.push(r);
              }
            };
      }
    }

    @Override
    public void push(Object[] row) {
      in++;
      for (int i = 0; i < droppedIdx.length; i++) {
        if (droppedIdx[i] >= 0 && row[droppedIdx[i]] != null) {
          droppedNonNull[i]++;
        }
      }
      try {
        route.op().apply(row, lookups, emit);
      } catch (PorterException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new PorterException(
            ErrorCategory.REFUSED,
            "step "
                + step.name()
                + " ("
                + step.from()
                + " → "
                + step.to()
                + "), table "
                + route.from()
                + " → "
                + route.to()
                + ", row "
                + in
                + " ("
                + first(row)
                + "): "
                + e,
            e);
      }
    }

    private String first(Object[] row) {
      return row.length == 0 ? "" : String.valueOf(row[0]);
    }
  }

  /** Writes rows of one final table into its target table. */
  private final class LoadNode implements Node {
    final FlowTable flow;
    final TableDef table;
    final SeedPolicy seed;
    final boolean[] unmapped;
    final long[] nonNull;
    final int[] take;

    /**
     * Whether {@link #take} is every column in order: a row of exactly those columns goes on as it
     * is, no longer changed by whoever made it ({@link RowOp}).
     */
    final boolean takesAll;

    final List<String> columns = new ArrayList<>();
    RowSink sink;

    /**
     * The batch the decoding thread is filling with this table's rows, while its steps run there
     * (ADR 0039); null when rows go to the sink as they come.
     */
    List<Object[]> into;

    long arrived;
    long written;

    LoadNode(FlowTable flow, TableDef table, List<String> map, SeedPolicy seed) {
      this.flow = flow;
      this.table = table;
      this.seed = seed;
      unmapped = new boolean[map.size()];
      nonNull = new long[map.size()];
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < map.size(); i++) {
        if (map.get(i) == null) {
          unmapped[i] = true;
        } else {
          idx.add(i);
          columns.add(map.get(i));
        }
      }
      take = idx.stream().mapToInt(Integer::intValue).toArray();
      takesAll = take.length == map.size(); // no column unmapped: take is 0, 1, 2… in order
    }

    void open() {
      if (seed == SeedPolicy.SKIP) {
        return;
      }
      LoadMode mode =
          seed == null
              ? LoadMode.INSERT
              : seed == SeedPolicy.MERGE ? LoadMode.MERGE : LoadMode.REPLACE;
      sink = target.loader(table, columns, mode);
    }

    @Override
    public void push(Object[] row) {
      arrived++;
      for (int i = 0; i < unmapped.length; i++) {
        if (unmapped[i] && row[i] != null) {
          nonNull[i]++;
        }
      }
      if (sink == null) {
        return; // a seed table under skip
      }
      Object[] out = row;
      if (!takesAll || row.length != take.length) {
        out = new Object[take.length];
        for (int i = 0; i < take.length; i++) {
          out[i] = row[take[i]];
        }
      }
      List<Object[]> batch = into;
      if (batch == null) {
        sink.accept(out);
      } else {
        batch.add(out);
      }
    }

    void finish() {
      if (sink != null) {
        written = sink.finish();
      }
    }
  }
}
