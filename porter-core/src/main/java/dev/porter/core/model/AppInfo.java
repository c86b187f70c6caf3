package dev.porter.core.model;

/**
 * The application an archive belongs to, when known.
 *
 * @param id the app's stable identifier, as its definition declares it
 * @param schemaVersion the app schema version the source database was at
 */
public record AppInfo(String id, String schemaVersion) {}
