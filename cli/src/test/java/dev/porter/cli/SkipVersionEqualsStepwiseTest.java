package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.porter.testdata.SqliteCompare;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Skip-version upgrade equals stepwise upgrade: for generated helpdesk data at each release r and
 * every later release s, the release-r archive imported straight into s gives the same database as
 * importing it into r+1, exporting that, importing into r+2, … up to s (intermediate archives).
 */
class SkipVersionEqualsStepwiseTest {
  static final int NEWEST = 4;

  @TempDir Path dir;

  @Test
  void directImportEqualsPassingThroughEveryRelease() throws Exception {
    Path app = AppCli.appDir(dir, HelpdeskApp.class);
    SplittableRandom rnd = new SplittableRandom(20261123L);
    int comparisons = 0;
    for (int trial = 0; trial < 3; trial++) {
      long seed = rnd.nextLong();
      int scale = 1 + rnd.nextInt(3);
      for (int r = 1; r < NEWEST; r++) {
        Path base = Files.createDirectories(dir.resolve("t" + trial + "-r" + r));
        Path source = base.resolve("source.db");
        HelpdeskData.createSqlite(source, r, scale, seed);
        Path archive = base.resolve("r" + r + ".porter");
        porter("export", "--db", source, "--app", app, "-o", archive).expect(0);
        Path through = archive;
        for (int s = r + 1; s <= NEWEST; s++) {
          Path stepwise = base.resolve("stepwise-" + s + ".db");
          porter("import", through, "--db", stepwise, "--app", app, "--to", s).expect(0);
          assertEquals(Integer.toString(s), AppCli.helpdeskRelease(stepwise));
          if (s > r + 1) {
            Path direct = base.resolve("direct-" + s + ".db");
            porter("import", archive, "--db", direct, "--app", app, "--to", s).expect(0);
            String diff = SqliteCompare.difference(stepwise, direct);
            assertNull(
                diff,
                "seed "
                    + seed
                    + ", scale "
                    + scale
                    + ": release "
                    + r
                    + " imported straight into "
                    + s
                    + " differs from the stepwise import");
            comparisons++;
          }
          if (s < NEWEST) {
            through = base.resolve("stepwise-" + s + ".porter");
            porter("export", "--db", stepwise, "--app", app, "-o", through).expect(0);
          }
        }
      }
    }
    assertEquals(9, comparisons, "3 trials × the pairs (1,3), (1,4), (2,4)");
  }
}
