package dev.porter.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
  @TempDir Path dir;

  @Test
  void aHeldLockRefusesTheNextPorterNamingTheHolder() throws Exception {
    Path lockPath = dir.resolve(".app.db.porter-lock");
    LockFile first = LockFile.acquire(lockPath, "app.db");
    try {
      PorterException e =
          assertThrows(PorterException.class, () -> LockFile.acquire(lockPath, "app.db"));
      assertEquals(ErrorCategory.LOCKED, e.category());
      assertTrue(
          e.getMessage().contains("in use by another porter (pid " + ProcessHandle.current().pid()),
          e.getMessage());
    } finally {
      first.close();
    }
    // released: the next one gets it, and the file stays
    LockFile.acquire(lockPath, "app.db").close();
    assertTrue(Files.exists(lockPath));
  }

  @Test
  void aLockInAMissingDirectoryIsUnavailable() {
    PorterException e =
        assertThrows(
            PorterException.class,
            () -> LockFile.acquire(dir.resolve("missing").resolve(".x.porter-lock"), "x"));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
  }
}
