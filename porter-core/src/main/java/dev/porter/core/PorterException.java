package dev.porter.core;

/**
 * The one exception type porter throws for failures it understands. The message is a single line
 * that names what is wrong (file, table, column, row key); the category tells the exit code.
 */
public class PorterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCategory category;

  public PorterException(ErrorCategory category, String message) {
    super(message);
    this.category = category;
  }

  public PorterException(ErrorCategory category, String message, Throwable cause) {
    super(message, cause);
    this.category = category;
  }

  public ErrorCategory category() {
    return category;
  }

  public static PorterException refused(String message) {
    return new PorterException(ErrorCategory.REFUSED, message);
  }

  public static PorterException corrupt(String message) {
    return new PorterException(ErrorCategory.CORRUPT_ARCHIVE, message);
  }

  public static PorterException corrupt(String message, Throwable cause) {
    return new PorterException(ErrorCategory.CORRUPT_ARCHIVE, message, cause);
  }

  public static PorterException unavailable(String message, Throwable cause) {
    return new PorterException(ErrorCategory.UNAVAILABLE, message, cause);
  }

  public static PorterException usage(String message) {
    return new PorterException(ErrorCategory.USAGE, message);
  }
}
