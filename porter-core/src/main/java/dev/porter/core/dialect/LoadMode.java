package dev.porter.core.dialect;

/** How a loader treats rows a table already holds. */
public enum LoadMode {
  /** Insert every row; a conflict is an error. */
  INSERT,
  /** Insert rows whose primary key is absent; keep existing rows on a key conflict. */
  MERGE,
  /** Delete the table's existing rows first, then insert. */
  REPLACE
}
