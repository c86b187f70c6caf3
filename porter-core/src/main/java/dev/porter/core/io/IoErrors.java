package dev.porter.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The reason an I/O operation failed, in words, for porter's one-line errors. The JDK's file system
 * exceptions carry only a path as their message when the operating system gave no reason (a
 * permission denied reads "cannot read archive app.porter: app.porter").
 */
public final class IoErrors {
  private IoErrors() {}

  /**
   * Why {@code e} happened; the file it names is added when it is not {@code named}, the thing the
   * message already names (a parent directory, a sidecar file).
   */
  public static String reason(IOException e, Object named) {
    if (!(e instanceof FileSystemException f)) {
      return String.valueOf(e.getMessage());
    }
    String why = f.getReason();
    if (why == null) {
      if (f instanceof AccessDeniedException) {
        why = "permission denied";
      } else if (f instanceof NoSuchFileException) {
        why = "no such file or directory";
      } else if (f instanceof FileAlreadyExistsException) {
        why = "a file of that name already exists";
      } else if (f instanceof NotDirectoryException) {
        why = "not a directory";
      } else if (f instanceof DirectoryNotEmptyException) {
        why = "directory not empty";
      } else {
        why = f.getClass().getSimpleName();
      }
    }
    String file = f.getFile();
    return file == null || file.equals(String.valueOf(named)) ? why : why + " (" + file + ")";
  }
}
