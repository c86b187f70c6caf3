package dev.porter.core.postgres;

import dev.porter.core.model.LogicalType;

/**
 * A PostgreSQL column's type as porter needs it: the declared type, the base type behind domains,
 * and the modifiers that decide whether a value fits without loss.
 *
 * @param name the column name
 * @param declared format_type() of the column ("numeric(10,2)", "public.year", "text[]")
 * @param base the base type's name after domains ("numeric", "int4", "_text" for arrays)
 * @param category the base type's typcategory ('N' numeric, 'A' array, …)
 * @param typmod the type modifier of the column or its domain (-1 when none)
 */
record PgColumn(String name, String declared, String base, char category, int typmod) {

  LogicalType logical() {
    if (category == 'A') {
      return LogicalType.PG_TEXT;
    }
    return switch (base) {
      case "bool" -> LogicalType.BOOLEAN;
      case "int2", "int4", "int8", "oid" -> LogicalType.INTEGER;
      case "float4", "float8" -> LogicalType.REAL;
      case "numeric", "money" -> LogicalType.DECIMAL;
      case "text", "varchar", "bpchar", "name", "char", "citext" -> LogicalType.TEXT;
      case "bytea" -> LogicalType.BLOB;
      case "date" -> LogicalType.DATE;
      case "timestamp" -> LogicalType.TIMESTAMP;
      case "timestamptz" -> LogicalType.TIMESTAMPTZ;
      case "uuid" -> LogicalType.UUID;
      case "json", "jsonb" -> LogicalType.JSON;
      default -> LogicalType.PG_TEXT;
    };
  }

  /** numeric(p,s): the precision, or -1 when unconstrained. */
  int numericPrecision() {
    return base.equals("numeric") && typmod >= 4 ? ((typmod - 4) >> 16) & 0xffff : -1;
  }

  /** numeric(p,s): the scale, or -1 when unconstrained. */
  int numericScale() {
    return base.equals("numeric") && typmod >= 4 ? (typmod - 4) & 0xffff : -1;
  }

  /** timestamp(p) / timestamptz(p): the fractional digits kept (6 when unconstrained). */
  int timePrecision() {
    return typmod >= 0 && (base.equals("timestamp") || base.equals("timestamptz")) ? typmod : 6;
  }

  /** The expression COPY reads the column through (money as numeric, so no locale is involved). */
  String selectExpression() {
    return base.equals("money") && category != 'A' ? Pg.quote(name) + "::numeric" : Pg.quote(name);
  }
}
