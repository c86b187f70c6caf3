package dev.porter.formats;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the archive's header and trailer, mapped to and from the model's records by their
 * component names (ADR 0021). Small on purpose: it knows strings, integers, booleans, enums (by
 * {@code toString()}), lists, string-keyed maps and records, which is all the model holds. Null
 * components are left out on writing; on reading, absent fields are null (zero, false) and unknown
 * fields are ignored, so an older porter reads a newer header's known fields.
 *
 * <p>The layout is the one the format spec shows: two-space indentation, {@code "name" : value},
 * arrays on one line unless they hold objects.
 */
final class RecordJson {
  private static final int MAX_DEPTH = 64;

  private RecordJson() {}

  // ---- writing ----

  static byte[] write(Object value) {
    StringBuilder b = new StringBuilder(4096);
    value(b, value, 0);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void value(StringBuilder b, Object v, int indent) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      string(b, s);
    } else if (v instanceof Integer || v instanceof Long) {
      b.append(v);
    } else if (v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Enum<?> e) {
      string(b, e.toString());
    } else if (v instanceof Record r) {
      List<Map.Entry<String, Object>> fields = new ArrayList<>();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object f = get(c, r);
        if (f != null) {
          fields.add(Map.entry(c.getName(), f));
        }
      }
      object(b, fields, indent);
    } else if (v instanceof Map<?, ?> m) {
      List<Map.Entry<String, Object>> fields = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getValue() != null) {
          fields.add(Map.entry(String.valueOf(e.getKey()), e.getValue()));
        }
      }
      object(b, fields, indent);
    } else if (v instanceof Collection<?> list) {
      if (list.isEmpty()) {
        b.append("[ ]");
        return;
      }
      b.append("[ ");
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          b.append(", ");
        }
        first = false;
        value(b, item, indent);
      }
      b.append(" ]");
    } else {
      throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
    }
  }

  private static void object(StringBuilder b, List<Map.Entry<String, Object>> fields, int indent) {
    if (fields.isEmpty()) {
      b.append("{ }");
      return;
    }
    b.append('{');
    for (int i = 0; i < fields.size(); i++) {
      b.append(i == 0 ? "\n" : ",\n");
      pad(b, indent + 2);
      string(b, fields.get(i).getKey());
      b.append(" : ");
      value(b, fields.get(i).getValue(), indent + 2);
    }
    b.append('\n');
    pad(b, indent);
    b.append('}');
  }

  private static void pad(StringBuilder b, int n) {
    for (int i = 0; i < n; i++) {
      b.append(' ');
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
            // control characters, and a lone surrogate (which UTF-8 cannot carry), escaped
            b.append(String.format("\\u%04X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  private static Object get(RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + c + " of " + r.getClass().getName(), e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "cannot read " + c + " of " + r.getClass().getName(), e.getCause());
    }
  }

  // ---- reading ----

  /**
   * Parses JSON text into maps (in field order), lists, strings, {@code Long}s or {@code
   * BigDecimal}s, booleans and nulls.
   *
   * @throws IllegalArgumentException naming the offset of the first thing that is not JSON
   */
  static Object parse(byte[] utf8) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8", e);
    }
    Parser p = new Parser(text);
    p.space();
    Object v = p.value(0);
    p.space();
    if (p.pos != text.length()) {
      throw p.error("text after the end of the value");
    }
    return v;
  }

  /** Reads JSON text into a record of the given type. */
  static <T> T read(byte[] utf8, Class<T> type) {
    return type.cast(convert(parse(utf8), type, "$"));
  }

  /** Maps a parsed value onto {@code type}; {@code path} names the place in messages. */
  static Object convert(Object node, Type type, String path) {
    if (type instanceof ParameterizedType pt) {
      Class<?> raw = (Class<?>) pt.getRawType();
      Type[] args = pt.getActualTypeArguments();
      if (node == null) {
        return null;
      }
      if (raw == List.class) {
        if (!(node instanceof List<?> list)) {
          throw mismatch(path, "an array", node);
        }
        List<Object> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          out.add(convert(list.get(i), args[0], path + "[" + i + "]"));
        }
        return out;
      }
      if (raw == Map.class && args[0] == String.class) {
        if (!(node instanceof Map<?, ?> map)) {
          throw mismatch(path, "an object", node);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.put((String) e.getKey(), convert(e.getValue(), args[1], path + "." + e.getKey()));
        }
        return out;
      }
      throw new IllegalArgumentException(path + ": no JSON mapping for " + type);
    }
    Class<?> c = (Class<?>) type;
    if (c.isPrimitive()) {
      if (node == null) {
        return c == boolean.class ? Boolean.FALSE : c == int.class ? (Object) 0 : (Object) 0L;
      }
      if (c == boolean.class) {
        if (!(node instanceof Boolean)) {
          throw mismatch(path, "true or false", node);
        }
        return node;
      }
      if (!(node instanceof Long n)) {
        throw mismatch(path, "an integer", node);
      }
      if (c == int.class) {
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
          throw mismatch(path, "an integer of 32 bits", node);
        }
        return n.intValue();
      }
      if (c == long.class) {
        return n;
      }
      throw new IllegalArgumentException(path + ": no JSON mapping for " + c);
    }
    if (node == null) {
      return null;
    }
    if (c == String.class) {
      if (!(node instanceof String)) {
        throw mismatch(path, "a string", node);
      }
      return node;
    }
    if (c.isEnum()) {
      if (node instanceof String s) {
        for (Object constant : c.getEnumConstants()) {
          if (constant.toString().equals(s)) {
            return constant;
          }
        }
      }
      throw mismatch(path, "one of the names of " + c.getSimpleName(), node);
    }
    if (c.isRecord()) {
      if (!(node instanceof Map<?, ?> map)) {
        throw mismatch(path, "an object", node);
      }
      RecordComponent[] components = c.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      Object[] args = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        RecordComponent rc = components[i];
        types[i] = rc.getType();
        args[i] = convert(map.get(rc.getName()), rc.getGenericType(), path + "." + rc.getName());
      }
      try {
        Constructor<?> k = c.getDeclaredConstructor(types);
        return k.newInstance(args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        throw new IllegalArgumentException(
            path + ": not a valid " + c.getSimpleName() + " (" + cause + ")", cause);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot build " + c.getName(), e);
      }
    }
    throw new IllegalArgumentException(path + ": no JSON mapping for " + c);
  }

  private static IllegalArgumentException mismatch(String path, String expected, Object node) {
    String found;
    if (node == null) {
      found = "null";
    } else if (node instanceof String) {
      found = "a string";
    } else if (node instanceof Map) {
      found = "an object";
    } else if (node instanceof List) {
      found = "an array";
    } else {
      found = String.valueOf(node);
    }
    return new IllegalArgumentException(path + ": expected " + expected + ", found " + found);
  }

  /** A recursive-descent JSON parser (RFC 8259), nesting at most {@value #MAX_DEPTH} deep. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at character " + pos);
    }

    void space() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
          return;
        }
        pos++;
      }
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nested more than " + MAX_DEPTH + " deep");
      }
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || c >= '0' && c <= '9') {
            return number();
          }
          throw error("unexpected '" + c + "'");
      }
    }

    private Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) {
        throw error("unexpected '" + s.charAt(pos) + "'");
      }
      pos += word.length();
      return v;
    }

    private Map<String, Object> object(int depth) {
      Map<String, Object> out = new LinkedHashMap<>();
      pos++; // {
      space();
      if (accept('}')) {
        return out;
      }
      do {
        space();
        if (pos >= s.length() || s.charAt(pos) != '"') {
          throw error("expected a field name");
        }
        String key = string();
        space();
        expect(':');
        space();
        out.put(key, value(depth + 1));
        space();
      } while (accept(','));
      expect('}');
      return out;
    }

    private List<Object> array(int depth) {
      List<Object> out = new ArrayList<>();
      pos++; // [
      space();
      if (accept(']')) {
        return out;
      }
      do {
        space();
        out.add(value(depth + 1));
        space();
      } while (accept(','));
      expect(']');
      return out;
    }

    /** Consumes {@code c} if it comes next. */
    private boolean accept(char c) {
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private String string() {
      pos++; // opening quote
      StringBuilder b = null;
      int start = pos;
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          String tail = s.substring(start, pos++);
          return b == null ? tail : b.append(tail).toString();
        }
        if (c < 0x20) {
          throw error("control character in a string");
        }
        if (c != '\\') {
          pos++;
          continue;
        }
        if (b == null) {
          b = new StringBuilder();
        }
        b.append(s, start, pos);
        if (pos + 1 >= s.length()) {
          throw error("unterminated string");
        }
        char e = s.charAt(pos + 1);
        pos += 2;
        switch (e) {
          case '"' -> b.append('"');
          case '\\' -> b.append('\\');
          case '/' -> b.append('/');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("short \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(s.charAt(pos + i), 16);
              if (d < 0) {
                throw error("bad \\u escape");
              }
              v = v * 16 + d;
            }
            pos += 4;
            b.append((char) v);
          }
          default -> throw error("bad escape \\" + e);
        }
        start = pos;
      }
    }

    private Object number() {
      int start = pos;
      if (s.charAt(pos) == '-') {
        pos++;
      }
      int digits = digits();
      if (digits == 0 || digits > 1 && s.charAt(pos - digits) == '0') {
        throw error("malformed number");
      }
      boolean integral = true;
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        integral = false;
        if (digits() == 0) {
          throw error("malformed number");
        }
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        integral = false;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        if (digits() == 0) {
          throw error("malformed number");
        }
      }
      String text = s.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException e) {
          // beyond 64 bits: kept exact
        }
      }
      return new BigDecimal(text);
    }

    private int digits() {
      int n = 0;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
        n++;
      }
      return n;
    }
  }
}
