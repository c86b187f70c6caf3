package dev.porter.core.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseRefTest {
  @Test
  void aPathIsASqliteFile() {
    DatabaseRef r = DatabaseRef.parse("data/app.db");
    assertEquals("sqlite", r.engine());
    assertEquals(Path.of("data/app.db").toAbsolutePath().normalize(), r.file());
    assertEquals("jdbc:sqlite:" + r.file(), r.jdbcUrl());
  }

  @Test
  void aSqliteUrlNamesItsFileWithoutOptions() {
    assertEquals(Path.of("/srv/app.db"), DatabaseRef.parse("jdbc:sqlite:/srv/app.db").file());
    assertEquals(
        Path.of("/srv/app.db"), DatabaseRef.parse("jdbc:sqlite:file:/srv/app.db?mode=ro").file());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "jdbc:sqlite::memory:", "jdbc:sqlite:", "jdbc:mysql://h/db"})
  void whatIsNotADatabaseFileOrUrlIsAUsageError(String spec) {
    PorterException e = assertThrows(PorterException.class, () -> DatabaseRef.parse(spec));
    assertEquals(ErrorCategory.USAGE, e.category());
  }

  @Test
  void postgresqlUrlsKeepTheirUrlAndNeverShowThePassword() {
    DatabaseRef r = DatabaseRef.parse("jdbc:postgresql://db:5432/app?user=u&password=s3cret&x=1");
    assertEquals("postgresql", r.engine());
    assertNull(r.file());
    assertFalse(r.display().contains("s3cret"), r.display());
    assertTrue(r.display().contains("password=***&x=1"), r.display());
    DatabaseRef inline = DatabaseRef.parse("jdbc:postgresql://u:s3cret@db/app");
    assertEquals("jdbc:postgresql://u:***@db/app", inline.display());
    PorterException e =
        assertThrows(
            PorterException.class, () -> DatabaseRef.parse("jdbc:oracle:x?password=s3cret"));
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void aFileStemIsTheDatabasesNameSafeForAFileName() {
    assertEquals("app.db", DatabaseRef.parse("data/app.db").fileStem());
    assertEquals("shop", DatabaseRef.parse("jdbc:postgresql://h:5432/shop?user=u").fileStem());
    assertEquals("shop", DatabaseRef.parse("jdbc:postgresql://h/shop").fileStem());
    assertEquals(
        "my_shop__2_", DatabaseRef.parse("jdbc:postgresql://h/my%20shop/(2)?user=u").fileStem());
    assertEquals("postgresql", DatabaseRef.parse("jdbc:postgresql://h/?user=u").fileStem());
    assertEquals("postgresql..", DatabaseRef.parse("jdbc:postgresql://h/..").fileStem());
  }
}
