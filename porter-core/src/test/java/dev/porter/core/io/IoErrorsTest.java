package dev.porter.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IoErrorsTest {
  @Test
  void aFileSystemExceptionWithoutAReasonGetsOneInWords() {
    // the JDK's message for these is the path alone: "cannot read archive a.porter: a.porter"
    assertEquals(
        "permission denied", IoErrors.reason(new AccessDeniedException("a.porter"), "a.porter"));
    assertEquals(
        "permission denied",
        IoErrors.reason(new AccessDeniedException("/srv/a"), Path.of("/srv/a")));
    assertEquals(
        "no such file or directory",
        IoErrors.reason(new NoSuchFileException("/srv/x"), Path.of("/srv/x")));
    assertEquals(
        "a file of that name already exists",
        IoErrors.reason(new FileAlreadyExistsException("/tmp/spool"), Path.of("/tmp/spool")));
  }

  @Test
  void theFileIsNamedWhenItIsNotTheOneTheMessageNames() {
    assertEquals(
        "permission denied (/srv/.app.db.porter-lock)",
        IoErrors.reason(
            new AccessDeniedException("/srv/.app.db.porter-lock"), Path.of("/srv/app.db")));
  }

  @Test
  void theOperatingSystemsReasonIsKept() {
    assertEquals(
        "No space left on device",
        IoErrors.reason(
            new FileSystemException("/srv/a", null, "No space left on device"), "/srv/a"));
    assertEquals("Broken pipe", IoErrors.reason(new IOException("Broken pipe"), "standard output"));
  }
}
