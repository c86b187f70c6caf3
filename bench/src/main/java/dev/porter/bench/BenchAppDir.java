package dev.porter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes the benchmark app as porter's {@code --app} expects it: its compiled classes and the
 * services file that names it, in a directory of its own (porter never compiles an app).
 */
final class BenchAppDir {
  private static final List<String> CLASSES =
      List.of("BenchApp", "BenchApp$Rename", "BenchApp$Cents", "BenchApp$LineTotal", "Ddl");

  private BenchAppDir() {}

  static Path write(Path dir) throws IOException {
    Path pkg = Files.createDirectories(dir.resolve("dev/porter/bench/app"));
    for (String c : CLASSES) {
      try (InputStream in =
          BenchAppDir.class.getResourceAsStream("/dev/porter/bench/app/" + c + ".class")) {
        if (in == null) {
          throw new IOException("class " + c + " missing from the benchmark jar");
        }
        Files.copy(in, pkg.resolve(c + ".class"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path service = dir.resolve("META-INF/services/dev.porter.core.app.PorterApp");
    Files.createDirectories(service.getParent());
    Files.writeString(service, "dev.porter.bench.app.BenchApp\n");
    return dir;
  }
}
