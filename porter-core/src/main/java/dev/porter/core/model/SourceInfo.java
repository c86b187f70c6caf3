package dev.porter.core.model;

/**
 * Where an archive's data came from.
 *
 * @param engine "sqlite" or "postgresql"
 * @param engineVersion the engine's version string, e.g. "3.54.1"
 * @param database a display name of the source (a file name; never a password)
 */
public record SourceInfo(String engine, String engineVersion, String database) {}
