package dev.porter.formats;

/**
 * The JSON of the archive's header and trailer. The model records in porter-core carry no
 * annotations; their component names are the JSON field names, pinned by the format spec and by the
 * format-compatibility tests. Mapped by {@link RecordJson}, not a general JSON library: the mapping
 * is the first thing every export and import does, and a general library's first use cost 0.1 s of
 * each process's start (ADR 0021).
 */
public final class ArchiveJson {
  private ArchiveJson() {}

  /** The JSON text of a header, a trailer or any other model record, as UTF-8. */
  public static byte[] write(Object value) {
    return RecordJson.write(value);
  }

  /**
   * Parses JSON into maps, lists, strings, longs, booleans and nulls.
   *
   * @throws IllegalArgumentException if the text is not JSON
   */
  static Object parse(byte[] json) {
    return RecordJson.parse(json);
  }

  /**
   * Maps parsed JSON onto a model record.
   *
   * @throws IllegalArgumentException if a field's JSON does not fit its component, or the record
   *     refuses the values
   */
  static <T> T convert(Object tree, Class<T> type) {
    return type.cast(RecordJson.convert(tree, type, "$"));
  }
}
