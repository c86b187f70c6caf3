package dev.porter.core.dialect;

import java.util.List;

/**
 * What an import's swap did.
 *
 * @param target the database now holding the imported data
 * @param preImage where the previous database was kept, or null when there was none
 * @param checks what the swap itself checked (a SQLite file given the previous one's access)
 */
public record CommitResult(String target, String preImage, List<Check> checks) {
  public CommitResult {
    checks = checks == null ? List.of() : List.copyOf(checks);
  }

  public CommitResult(String target, String preImage) {
    this(target, preImage, List.of());
  }
}
