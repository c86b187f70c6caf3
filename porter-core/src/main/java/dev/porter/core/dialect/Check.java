package dev.porter.core.dialect;

/** One post-load check and its outcome. */
public record Check(String name, boolean passed, String detail) {}
