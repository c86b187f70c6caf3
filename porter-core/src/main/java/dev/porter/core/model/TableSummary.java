package dev.porter.core.model;

/**
 * What the archive holds of one table, written after its data.
 *
 * @param ordinal the table's position, as in the header
 * @param name the table's name
 * @param member the archive member
 * @param rows how many rows the member holds
 * @param bytes the member's size in bytes
 * @param sha256 the SHA-256 of the member's bytes, lower-case hex
 */
public record TableSummary(
    int ordinal, String name, String member, long rows, long bytes, String sha256) {}
