package dev.porter.core.model;

import java.util.List;

/**
 * What a PostgreSQL source records beyond porter's engine-neutral tables, so that a plain restore
 * recreates the schema (docs/archive-format.md, "PostgreSQL schema").
 *
 * @param schemas the exported schemas, in creation order
 * @param enums enum types
 * @param domains domains
 * @param sequences sequences with their current values
 * @param tables per table (partitions included): its schema-qualified identity and the definitions
 *     of what porter recreates after the rows
 * @param objects extensions, collations, functions, procedures, aggregates, views, materialized
 *     views, triggers, rules and the rest a plain restore recreates, each with the statements that
 *     create it; absent (empty) in archives written before porter recorded them
 * @param notCarried what the source held that the archive does not carry, one line each ("operator
 *     public.=== (integer, integer)", "3 large objects"): a restore reports them, never silently
 *     leaves them out; absent (empty) in archives written before 2026-12-03
 * @param largeObjects how many large objects the source held (none of them is in the archive: an
 *     export leaves them out only when asked to by name)
 */
public record PostgresSchema(
    List<String> schemas,
    List<EnumType> enums,
    List<Domain> domains,
    List<Sequence> sequences,
    List<Table> tables,
    List<SchemaObject> objects,
    List<String> notCarried,
    long largeObjects) {

  public PostgresSchema {
    schemas = List.copyOf(schemas);
    enums = List.copyOf(enums);
    domains = List.copyOf(domains);
    sequences = List.copyOf(sequences);
    tables = List.copyOf(tables);
    objects = objects == null ? List.of() : List.copyOf(objects);
    notCarried = notCarried == null ? List.of() : List.copyOf(notCarried);
  }

  /** The same schema, naming {@code notCarried} as what the archive does not carry. */
  public PostgresSchema withNotCarried(List<String> notCarried) {
    return new PostgresSchema(
        schemas, enums, domains, sequences, tables, objects, notCarried, largeObjects);
  }

  /** An unmodifiable copy in the same order; empty for null (a field absent from the archive). */
  private static <K, V> java.util.Map<K, V> copy(java.util.Map<K, V> map) {
    return map == null
        ? java.util.Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }

  /**
   * A schema object a plain restore recreates from its definition, as the source server printed it
   * with every name schema-qualified.
   *
   * @param kind {@code extension}, {@code collation}, {@code type}, {@code function}, {@code
   *     procedure}, {@code aggregate}, {@code view}, {@code materialized view}, {@code trigger},
   *     {@code rule}, {@code statistics}, {@code row security}, {@code comment}, {@code
   *     privileges}, {@code default privileges} or {@code owner} (and, from a SQLite archive,
   *     {@code partial index} or {@code expression index})
   * @param schema its schema (a trigger's: its table's)
   * @param name its name (a function's without its arguments)
   * @param on a trigger's table or view, else null
   * @param sql the statements that create it, in order: the CREATE, then what completes it (a
   *     materialized view's indexes, a trigger's enabled state)
   */
  public record SchemaObject(String kind, String schema, String name, String on, List<String> sql) {
    public SchemaObject {
      sql = sql == null ? List.of() : List.copyOf(sql);
    }
  }

  /** An enum type and its labels in sort order. */
  public record EnumType(String schema, String name, List<String> labels) {
    public EnumType {
      labels = List.copyOf(labels);
    }
  }

  /** A domain: its base type, default, NOT NULL and CHECK constraints (as definitions). */
  public record Domain(
      String schema,
      String name,
      String baseType,
      String defaultSql,
      boolean notNull,
      List<String> checks) {
    public Domain {
      checks = List.copyOf(checks);
    }
  }

  /**
   * A sequence and its state when exported.
   *
   * @param ownedBy "table.column" (porter table name) when the sequence belongs to a column
   *     (serial, identity), else null
   * @param identity true for an identity column's sequence (recreated by the column itself)
   */
  public record Sequence(
      String schema,
      String name,
      String dataType,
      long start,
      long increment,
      long min,
      long max,
      long cache,
      boolean cycle,
      long lastValue,
      boolean isCalled,
      String ownedBy,
      boolean identity) {}

  /**
   * One table.
   *
   * @param name porter's name of the table: the table name, prefixed by its schema and a dot unless
   *     the schema is public
   * @param schema its schema
   * @param table its name within the schema
   * @param partitionKey for a partitioned table, its partition key definition ("RANGE
   *     (payment_date)")
   * @param partitionOf for a partition, porter's name of its parent
   * @param partitionBound for a partition, its bound ("FOR VALUES FROM (…) TO (…)")
   * @param identities column → "a" (ALWAYS) or "d" (BY DEFAULT) for identity columns
   * @param generated column → generation expression, for stored generated columns
   * @param constraints PRIMARY KEY, UNIQUE, CHECK, EXCLUDE and FOREIGN KEY constraints as (name,
   *     definition)
   * @param indexes other indexes as their full CREATE INDEX statements
   * @param inherits the porter names of the tables it inherits from ({@code INHERITS}), in order;
   *     empty for most tables, and in archives written before 2026-12-03
   * @param collations column → its collation, schema-qualified, where it is not its type's default
   *     ({@code COLLATE "C"}); empty in archives written before 2026-12-03
   * @param unlogged an {@code UNLOGGED} table; absent (false) in archives written before 2026-12-03
   * @param storage its storage parameters as {@code name=value} ({@code fillfactor=70}), in the
   *     order the server lists them; empty when none
   */
  public record Table(
      String name,
      String schema,
      String table,
      String partitionKey,
      String partitionOf,
      String partitionBound,
      java.util.Map<String, String> identities,
      java.util.Map<String, String> generated,
      List<Constraint> constraints,
      List<String> indexes,
      List<String> inherits,
      java.util.Map<String, String> collations,
      boolean unlogged,
      List<String> storage) {
    public Table {
      inherits = inherits == null ? List.of() : List.copyOf(inherits);
      storage = storage == null ? List.of() : List.copyOf(storage);
      collations = copy(collations);
      identities = copy(identities);
      generated = copy(generated);
      constraints = constraints == null ? List.of() : List.copyOf(constraints);
      indexes = indexes == null ? List.of() : List.copyOf(indexes);
    }
  }

  /**
   * A table constraint.
   *
   * @param type "p" primary key, "u" unique, "c" check, "f" foreign key, "x" exclusion
   */
  public record Constraint(String name, String type, String definition) {}
}
