package dev.porter.core.dialect;

/**
 * What an import's swap did.
 *
 * @param target the database now holding the imported data
 * @param preImage where the previous database was kept, or null when there was none
 */
public record CommitResult(String target, String preImage) {}
