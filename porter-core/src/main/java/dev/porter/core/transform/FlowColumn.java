package dev.porter.core.transform;

import dev.porter.core.model.LogicalType;

/** A column of a table as records carry it between version steps. */
public record FlowColumn(String name, LogicalType type) {}
