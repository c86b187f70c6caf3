package dev.porter.core.app;

/**
 * Implemented by an application that declares its releases to porter. The CLI finds it with {@link
 * java.util.ServiceLoader} in the directory or jar given by {@code --app PATH} (a line naming the
 * class in {@code META-INF/services/dev.porter.core.app.PorterApp}); an embedding app can simply
 * call {@link #definition()} itself.
 */
public interface PorterApp {
  AppDefinition definition();
}
