package dev.porter.core.dialect;

import java.util.List;

/** The previous databases and backup archives porter keeps beside a database. */
public interface PreImages {
  /** What is kept, newest first. */
  List<Kept> list();

  /**
   * Puts the newest pre-image back in place of the database (the current one is kept as a pre-image
   * itself). Refused when there is none, or when the database changed since porter installed it,
   * unless {@code force}.
   */
  CommitResult rollback(boolean force);

  /**
   * Removes everything kept except the newest {@code keep} groups, and first what a killed import,
   * upgrade or rollback left; returns what was removed.
   */
  List<Kept> cleanup(int keep);

  /**
   * What a killed import, upgrade or rollback left beside the database (or, without porter's lock
   * taken, what a running one is using): its staging file ({@code label} "staging") and a previous
   * database still under its partial name ({@code label} "partial"). None by default.
   */
  default List<Kept> leftovers() {
    return List.of();
  }

  /**
   * One kept item.
   *
   * @param path where it is
   * @param label "pre-import", "pre-upgrade", "pre-rollback"; for leftovers "staging", "partial"
   * @param stamp its UTC timestamp (yyyyMMdd'T'HHmmss'Z'), which groups a pre-image with its backup
   *     archive
   * @param archive true for a backup archive, false for a database
   * @param bytes its size
   */
  record Kept(String path, String label, String stamp, boolean archive, long bytes) {}
}
