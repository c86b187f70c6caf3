package dev.porter.core.model;

/**
 * One table in an archive.
 *
 * @param ordinal 1-based position in the archive; data members follow this order
 * @param member the archive member holding the table's rows, or null for a table without data
 *     (virtual tables)
 * @param table the table's definition
 */
public record TableEntry(int ordinal, String member, TableDef table) {}
