package dev.porter.formats;

import dev.porter.core.archive.ArchiveCodec;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.ArchiveWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/** The .porter format as porter-core's {@link ArchiveCodec}. */
public final class PorterArchiveCodec implements ArchiveCodec {
  @Override
  public ArchiveWriter write(Path file, Path spoolDir, boolean replaceExisting) {
    return PorterArchive.write(
        file,
        PorterArchive.WriteOptions.defaults()
            .withSpoolDir(spoolDir)
            .withReplaceExisting(replaceExisting));
  }

  @Override
  public ArchiveWriter write(OutputStream out, Path spoolDir) {
    return PorterArchive.write(out, PorterArchive.WriteOptions.defaults().withSpoolDir(spoolDir));
  }

  @Override
  public ArchiveReader read(Path file) {
    return PorterArchive.read(file);
  }

  @Override
  public ArchiveReader read(InputStream in, String name) {
    return PorterArchive.read(in, name);
  }
}
