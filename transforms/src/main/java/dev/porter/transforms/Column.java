package dev.porter.transforms;

import dev.porter.core.model.LogicalType;

/** A column a transform creates: its name and its logical type. */
public record Column(String name, LogicalType type) {
  public static Column of(String name, LogicalType type) {
    return new Column(name, type);
  }
}
