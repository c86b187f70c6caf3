package dev.porter.core.app;

/**
 * Implemented by an application that declares its releases to porter. The CLI finds it through the
 * line naming the class in {@code META-INF/services/dev.porter.core.app.PorterApp} inside the
 * directory or jar given by {@code --app PATH} ({@link AppLoader} reads that file itself, not the
 * class path); an embedding app can simply call {@link #definition()} itself.
 */
public interface PorterApp {
  AppDefinition definition();
}
