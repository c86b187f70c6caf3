package dev.porter.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableOrderTest {
  static TableDef table(String name, String... references) {
    List<ForeignKeyDef> fks =
        java.util.Arrays.stream(references)
            .map(r -> new ForeignKeyDef(List.of("x"), r, List.of(), null, null, false))
            .toList();
    return new TableDef(
        name, TableKind.TABLE, List.of(), null, fks, null, null, false, false, false);
  }

  static List<String> order(TableDef... tables) {
    return TableOrder.referencedFirst(List.of(tables)).stream().map(TableDef::name).toList();
  }

  @Test
  void referencedTablesComeFirstAndTheRestKeepTheirOrder() {
    assertEquals(
        List.of("customer", "product", "order", "note"),
        order(
            table("order", "customer", "product"),
            table("customer"),
            table("product"),
            table("note")));
  }

  @Test
  void chainsAreOrderedTransitively() {
    assertEquals(List.of("a", "b", "c"), order(table("c", "b"), table("b", "a"), table("a")));
  }

  @Test
  void selfReferencesAreIgnored() {
    assertEquals(List.of("employee", "x"), order(table("employee", "employee"), table("x")));
  }

  @Test
  void aCycleIsBrokenAtTheEarliestTableAndEveryTableIsKept() {
    assertEquals(
        List.of("free", "team", "player"),
        order(table("team", "player"), table("player", "team"), table("free")));
  }

  @Test
  void referencesMatchCaseInsensitivelyAndMissingOnesAreIgnored() {
    assertEquals(
        List.of("Customer", "orders"),
        order(table("orders", "CUSTOMER", "gone"), table("Customer")));
  }
}
