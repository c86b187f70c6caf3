package dev.porter.core.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.transform.Catalog;
import dev.porter.core.transform.StepPlan;
import dev.porter.core.transform.VersionStep;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** An app definition is checked when it is built; each mistake is refused, naming the offender. */
class AppDefinitionTest {

  static VersionStep step(String name, String from, String to) {
    return new VersionStep() {
      @Override
      public SchemaVersion from() {
        return SchemaVersion.of(from);
      }

      @Override
      public SchemaVersion to() {
        return SchemaVersion.of(to);
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public StepPlan plan(Catalog input) {
        throw new UnsupportedOperationException("not planned in these tests");
      }
    };
  }

  static Consumer<AppDefinition.ReleaseBuilder> sqlite(String sql) {
    return r -> r.ddl("sqlite", sql);
  }

  /** An app "shop" on SQLite with releases 1, 2, 3 and the given steps. */
  static AppDefinition.Builder shop(VersionStep... steps) {
    return AppDefinition.builder("shop", AppDefinitionTest.class)
        .engines("sqlite")
        .versionProbe("*", VersionProbe.userVersion())
        .release("1", sqlite("CREATE TABLE a (x);"))
        .release("2", sqlite("CREATE TABLE a (x, y);"))
        .release("3", sqlite("CREATE TABLE b (x, y);"))
        .steps(steps);
  }

  static String refused(Executable e) {
    PorterException x = assertThrows(PorterException.class, e);
    assertEquals(ErrorCategory.REFUSED, x.category(), x.getMessage());
    return x.getMessage();
  }

  @Test
  void aCompleteDefinitionIsAccepted() {
    AppDefinition app =
        shop(step("A", "1", "2"), step("B", "2", "3"), step("Down", "3", "2")).build();
    assertEquals("3", app.newest().version().toString());
    assertEquals(
        List.of("A", "B"),
        app.chain(SchemaVersion.of(1), SchemaVersion.of(3)).stream()
            .map(VersionStep::name)
            .toList());
    assertEquals(
        List.of("Down"),
        app.chain(SchemaVersion.of(3), SchemaVersion.of(2)).stream()
            .map(VersionStep::name)
            .toList());
    assertEquals(List.of(), app.chain(SchemaVersion.of(2), SchemaVersion.of(2)));
  }

  @Test
  void aGapIsRefusedNamingTheMissingStep() {
    assertEquals(
        "app shop has a gap: no step from release 2 to 3",
        refused(() -> shop(step("A", "1", "2")).build()));
  }

  @Test
  void aDownStepDoesNotFillAGap() {
    assertEquals(
        "app shop has a gap: no step from release 1 to 2",
        refused(() -> shop(step("Down", "2", "1"), step("B", "2", "3")).build()));
  }

  @Test
  void aDuplicateStepIsRefusedNamingBoth() {
    assertEquals(
        "app shop: steps A and A2 both go from 1 to 2",
        refused(
            () -> shop(step("A", "1", "2"), step("A2", "1", "2"), step("B", "2", "3")).build()));
  }

  @Test
  void anOverlappingStepIsRefusedNamingItAndTheReleaseItSkips() {
    assertEquals(
        "app shop: step Skip (1 → 3) overlaps release 2; declare one step per pair of"
            + " consecutive releases",
        refused(
            () -> shop(step("A", "1", "2"), step("B", "2", "3"), step("Skip", "1", "3")).build()));
  }

  @Test
  void aStepToAnUndeclaredReleaseIsRefusedNamingTheRelease() {
    assertEquals(
        "app shop: step Up goes from 3 to 4, but 4 is not a declared release",
        refused(
            () -> shop(step("A", "1", "2"), step("B", "2", "3"), step("Up", "3", "4")).build()));
    assertEquals(
        "app shop: step Old goes from 0 to 1, but 0 is not a declared release",
        refused(
            () -> shop(step("Old", "0", "1"), step("A", "1", "2"), step("B", "2", "3")).build()));
  }

  @Test
  void aStepToItsOwnReleaseIsRefused() {
    assertEquals(
        "app shop: step Same goes from 2 to itself",
        refused(
            () ->
                shop(step("A", "1", "2"), step("Same", "2", "2.0"), step("B", "2", "3")).build()));
  }

  @Test
  void missingDdlForAnEngineIsRefusedNamingReleaseAndEngine() {
    assertEquals(
        "app shop: release 2 has no postgresql DDL",
        refused(
            () ->
                AppDefinition.builder("shop", AppDefinitionTest.class)
                    .engines("sqlite", "postgresql")
                    .versionProbe("*", VersionProbe.userVersion())
                    .release(
                        "1", r -> r.ddl("sqlite", "CREATE TABLE a (x);").ddl("postgresql", "x"))
                    .release("2", sqlite("CREATE TABLE a (x);"))
                    .steps(step("A", "1", "2"))
                    .build()));
  }

  @Test
  void aMissingDdlResourceIsRefusedNamingIt() {
    assertEquals(
        "release 1: DDL resource /no/such/v1.sqlite.sql not found",
        refused(
            () ->
                AppDefinition.builder("shop", AppDefinitionTest.class)
                    .engines("sqlite")
                    .release("1", r -> r.ddlResource("sqlite", "/no/such/v1.sqlite.sql"))));
  }

  @Test
  void aReleaseDeclaredTwiceIsRefused() {
    // 2 and 2.0 are the same version
    assertEquals(
        "app shop declares release 2.0 twice",
        refused(
            () ->
                shop(step("A", "1", "2"), step("B", "2", "3"))
                    .release("2.0", sqlite("CREATE TABLE a (x);"))
                    .build()));
  }

  @Test
  void anEngineWithoutAVersionProbeIsRefused() {
    assertEquals(
        "app shop declares no version probe for sqlite",
        refused(
            () ->
                AppDefinition.builder("shop", AppDefinitionTest.class)
                    .engines("sqlite")
                    .release("1", sqlite("CREATE TABLE a (x);"))
                    .build()));
  }

  @Test
  void dottedVersionsAreComparedAsNumbers() {
    // (a query probe: PRAGMA user_version would refuse dotted releases, tested below)
    AppDefinition.Builder b =
        AppDefinition.builder("shop", AppDefinitionTest.class)
            .engines("sqlite")
            .versionProbe("*", VersionProbe.query("SELECT v FROM meta"))
            .release("1.10.1", sqlite("CREATE TABLE a (x);"))
            .release("1.9", sqlite("CREATE TABLE a (x);"))
            .release("1.10", sqlite("CREATE TABLE a (x);"));
    assertEquals(
        "app shop: step Jump (1.9 → 1.10.1) overlaps release 1.10; declare one step per pair of"
            + " consecutive releases",
        refused(() -> b.steps(step("Jump", "1.9", "1.10.1")).build()));
    AppDefinition app =
        AppDefinition.builder("shop", AppDefinitionTest.class)
            .engines("sqlite")
            .versionProbe("*", VersionProbe.query("SELECT v FROM meta"))
            .release("1.10.1", sqlite("CREATE TABLE a (x);"))
            .release("1.9", sqlite("CREATE TABLE a (x);"))
            .release("1.10", sqlite("CREATE TABLE a (x);"))
            .steps(step("B", "1.10", "1.10.1"), step("A", "1.9", "1.10"))
            .build();
    assertEquals("1.10.1", app.newest().version().toString());
    assertEquals(
        List.of("A", "B"),
        app.chain(SchemaVersion.of("1.9"), SchemaVersion.of("1.10.1")).stream()
            .map(VersionStep::name)
            .toList());
  }

  @Test
  void aChainWithoutItsDownStepsIsRefusedNamingTheMissingOne() {
    AppDefinition app =
        shop(step("A", "1", "2"), step("B", "2", "3"), step("Down", "3", "2")).build();
    assertEquals(
        "archive is at release 3, newer than the target release 1, and app shop has no down-step"
            + " from 2 to 1",
        refused(() -> app.chain(SchemaVersion.of(3), SchemaVersion.of(1))));
    assertEquals(
        "app shop has no release 4 (its releases: 1, 2, 3)",
        refused(() -> app.chain(SchemaVersion.of(4), SchemaVersion.of(3))));
  }

  @Test
  void userVersionNeedsIntegerReleases() {
    AppDefinition.Builder b =
        AppDefinition.builder("shop", AppDefinitionTest.class)
            .engines("sqlite")
            .versionProbe("*", VersionProbe.userVersion())
            .release("1", sqlite("CREATE TABLE a (x);"))
            .release("1.1", sqlite("CREATE TABLE a (x);"))
            .steps(step("A", "1", "1.1"));
    assertEquals(
        "app shop: release 1.1 cannot be recorded in PRAGMA user_version, which holds an integer;"
            + " number the releases 1, 2, 3… or declare another version probe",
        refused(b::build));
  }
}
