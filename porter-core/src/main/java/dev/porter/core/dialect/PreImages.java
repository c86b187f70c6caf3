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

  /** Removes everything kept except the newest {@code keep} groups; returns what was removed. */
  List<Kept> cleanup(int keep);

  /**
   * One kept item.
   *
   * @param path where it is
   * @param label "pre-import", "pre-upgrade", "pre-rollback"
   * @param stamp its UTC timestamp (yyyyMMdd'T'HHmmss'Z'), which groups a pre-image with its backup
   *     archive
   * @param archive true for a backup archive, false for a database
   * @param bytes its size
   */
  record Kept(String path, String label, String stamp, boolean archive, long bytes) {}
}
