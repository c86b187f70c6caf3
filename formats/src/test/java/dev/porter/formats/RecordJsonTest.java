package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.LogicalType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The archive's JSON mapping: every component of every model record survives a round trip, the text
 * is what a general JSON library (Jackson, with the settings porter used before ADR 0021) writes
 * for the same records, and anything that is not JSON, or does not fit, is refused.
 */
class RecordJsonTest {
  /** The settings archives were written with before porter mapped its own records. */
  private static final ObjectMapper JACKSON =
      JsonMapper.builder()
          .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .build();

  private int counter;

  /** A value of the given type with every component set, distinct from its neighbours. */
  private Object filled(Type type) throws Exception {
    if (type instanceof ParameterizedType pt) {
      Type[] args = pt.getActualTypeArguments();
      if (pt.getRawType() == List.class) {
        return List.of(filled(args[0]), filled(args[0]));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("k" + ++counter, filled(args[1]));
      m.put("k" + ++counter, filled(args[1]));
      return m;
    }
    Class<?> c = (Class<?>) type;
    counter++;
    if (c == String.class) {
      // quotes, escapes, control characters and text beyond ASCII and beyond the BMP
      return "v" + counter + " \"q\" \\ \n\t\u0001\u001b é 😀";
    }
    if (c == int.class) {
      return counter;
    }
    if (c == long.class) {
      return 5_000_000_000L + counter;
    }
    if (c == boolean.class) {
      return true;
    }
    if (c.isEnum()) {
      Object[] constants = c.getEnumConstants();
      return constants[counter % constants.length];
    }
    RecordComponent[] rc = c.getRecordComponents();
    Class<?>[] types = new Class<?>[rc.length];
    Object[] args = new Object[rc.length];
    for (int i = 0; i < rc.length; i++) {
      types[i] = rc[i].getType();
      args[i] = filled(rc[i].getGenericType());
    }
    return c.getDeclaredConstructor(types).newInstance(args);
  }

  @Test
  void everyComponentOfTheHeaderAndTrailerSurvivesARoundTrip() throws Exception {
    for (Class<?> type : List.of(ArchiveHeader.class, ArchiveTrailer.class)) {
      Object value = filled(type);
      byte[] json = RecordJson.write(value);
      assertEquals(value, RecordJson.read(json, type), type.getSimpleName());
    }
  }

  @Test
  void writesWhatJacksonWroteForTheSameRecords() throws Exception {
    for (Class<?> type : List.of(ArchiveHeader.class, ArchiveTrailer.class)) {
      Object value = filled(type);
      String ours = new String(RecordJson.write(value), StandardCharsets.UTF_8);
      assertEquals(JACKSON.valueToTree(value), JACKSON.readTree(ours), type.getSimpleName());
      // the same layout too: two-space indentation, "name" : value, arrays on one line
      assertEquals(JACKSON.writeValueAsString(value), ours, type.getSimpleName());
    }
  }

  @Test
  void nullComponentsAreLeftOutAndReadBackAsNull() {
    ColumnDef c = new ColumnDef("id", "INTEGER", LogicalType.INTEGER, false, Generated.NO, null);
    String json = new String(RecordJson.write(c), StandardCharsets.UTF_8);
    assertTrue(!json.contains("defaultSql"), json);
    assertTrue(json.contains("\"generated\" : \"no\""), json);
    assertNull(
        RecordJson.read(json.getBytes(StandardCharsets.UTF_8), ColumnDef.class).defaultSql());
  }

  @Test
  void absentFieldsTakeDefaultsAndUnknownOnesAreIgnored() {
    ColumnDef c =
        RecordJson.read(
            "{\"name\":\"x\",\"logicalType\":\"text\",\"future\":[1,{\"a\":null}]}"
                .getBytes(StandardCharsets.UTF_8),
            ColumnDef.class);
    assertEquals("x", c.name());
    assertEquals(LogicalType.TEXT, c.logicalType());
    assertEquals(false, c.nullable());
    assertEquals(Generated.NO, c.generated()); // the record's own default for null
  }

  @Test
  void parsesEscapesNumbersAndLiterals() {
    Object v =
        RecordJson.parse(
            "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", -12, 0, 3.5e2, 99999999999999999999, true, false, null, {}, []]"
                .getBytes(StandardCharsets.UTF_8));
    List<Object> expected = new ArrayList<>();
    expected.add("a\"b\\c/d\b\f\n\r\té😀");
    expected.add(-12L);
    expected.add(0L);
    expected.add(new java.math.BigDecimal("3.5e2"));
    expected.add(new java.math.BigDecimal("99999999999999999999"));
    expected.add(true);
    expected.add(false);
    expected.add(null);
    expected.add(Map.of());
    expected.add(List.of());
    assertEquals(expected, v);
  }

  @Test
  void aLoneSurrogateIsWrittenAsAnEscapeAndReadBack() {
    String odd = "a\ud800b";
    ColumnDef c = new ColumnDef(odd, "", LogicalType.TEXT, true, Generated.NO, null);
    byte[] json = RecordJson.write(c);
    assertTrue(new String(json, StandardCharsets.UTF_8).contains("\\uD800"));
    assertEquals(odd, RecordJson.read(json, ColumnDef.class).name());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{a:1}",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"short \\u12\"",
        "01",
        "-",
        "1.",
        "1e",
        "tru",
        "nul",
        "{} {}",
        "\"tab\tinside\"",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
      })
  void refusesWhatIsNotJson(String text) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecordJson.parse(text.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
  }

  @Test
  void refusesBytesThatAreNotUtf8() {
    byte[] bad = {'"', (byte) 0xC3, '"'};
    assertThrows(IllegalArgumentException.class, () -> RecordJson.parse(bad));
  }

  @Test
  void aValueOfTheWrongKindIsRefusedWithItsPath() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RecordJson.read(
                    "{\"name\":\"x\",\"logicalType\":\"text\",\"nullable\":\"yes\"}"
                        .getBytes(StandardCharsets.UTF_8),
                    ColumnDef.class));
    assertEquals("$.nullable: expected true or false, found a string", e.getMessage());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RecordJson.read(
                    "{\"name\":\"x\",\"logicalType\":\"no such type\"}"
                        .getBytes(StandardCharsets.UTF_8),
                    ColumnDef.class));
    assertTrue(bad.getMessage().startsWith("$.logicalType: expected one of the names of"));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RecordJson.read(
                    "{\"logicalType\":\"text\"}".getBytes(StandardCharsets.UTF_8),
                    ColumnDef.class));
    assertTrue(missing.getMessage().startsWith("$: not a valid ColumnDef"), missing.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RecordJson.read(
                "{\"ordinal\":3000000000}".getBytes(StandardCharsets.UTF_8),
                dev.porter.core.model.TableEntry.class));
  }
}
