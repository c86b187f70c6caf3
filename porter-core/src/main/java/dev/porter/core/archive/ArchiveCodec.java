package dev.porter.core.archive;

import dev.porter.core.PorterException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Makes archive readers and writers. porter-core holds only this interface; the implementation (the
 * .porter format) lives in porter-formats and is found with {@link ServiceLoader}, so an app that
 * embeds porter adds porter-formats to its dependencies and porter-core stays free of Avro and
 * compression libraries.
 */
public interface ArchiveCodec {
  /** A writer to a file, visible under its name only once complete. */
  ArchiveWriter write(Path file, Path spoolDir, boolean replaceExisting);

  /** A writer to a stream. */
  ArchiveWriter write(OutputStream out, Path spoolDir);

  /** A reader of a file, checking every checksum. */
  ArchiveReader read(Path file);

  /** A reader of a stream, checking every checksum. */
  ArchiveReader read(InputStream in, String name);

  /** The codec on the class path (porter-formats). */
  static ArchiveCodec load() {
    for (ArchiveCodec c :
        ServiceLoader.load(ArchiveCodec.class, ArchiveCodec.class.getClassLoader())) {
      return c;
    }
    throw PorterException.usage(
        "no archive format on the class path: add the porter-formats module to your dependencies");
  }
}
