package dev.porter.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this porter build, as written into every archive it makes. */
public final class PorterVersion {
  private static final String VERSION = load();

  private PorterVersion() {}

  public static String current() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = PorterVersion.class.getResourceAsStream("porter-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
