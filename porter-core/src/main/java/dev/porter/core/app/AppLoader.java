package dev.porter.core.app;

import dev.porter.core.PorterException;
import dev.porter.core.io.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Loads an app definition from a directory of compiled classes and resources, or from a jar: the
 * one {@link PorterApp} class named in its own {@code
 * META-INF/services/dev.porter.core.app.PorterApp}. The app's classes see porter's API through the
 * parent class loader; porter never compiles them.
 */
public final class AppLoader {
  static final String SERVICE = "META-INF/services/" + PorterApp.class.getName();

  private AppLoader() {}

  public static AppDefinition load(Path path) {
    if (!Files.exists(path)) {
      throw PorterException.usage("no such app definition: " + path);
    }
    List<String> classes = serviceClasses(path);
    if (classes.isEmpty()) {
      throw PorterException.usage(
          path + " holds no porter app: add " + SERVICE + " naming your PorterApp class");
    }
    if (classes.size() > 1) {
      throw PorterException.usage(
          path + " names " + classes.size() + " porter apps in " + SERVICE + "; keep one");
    }
    URL url;
    try {
      url = path.toAbsolutePath().toUri().toURL();
    } catch (MalformedURLException e) {
      throw PorterException.usage("invalid app path " + path);
    }
    // The loader stays open: the app's classes and resources are used for the whole run.
    @SuppressWarnings("resource")
    URLClassLoader loader = new URLClassLoader(new URL[] {url}, AppLoader.class.getClassLoader());
    String name = classes.get(0);
    try {
      Class<?> c = Class.forName(name, true, loader);
      if (!PorterApp.class.isAssignableFrom(c)) {
        throw PorterException.usage(
            "class " + name + " in " + path + " does not implement " + PorterApp.class.getName());
      }
      return ((PorterApp) c.getDeclaredConstructor().newInstance()).definition();
    } catch (ClassNotFoundException e) {
      throw PorterException.usage("app class " + name + " named in " + path + " is not there");
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw PorterException.usage(
          "cannot create app " + name + " (it needs a public no-argument constructor): " + e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PorterException pe) {
        throw pe;
      }
      throw PorterException.usage("app " + name + " failed to define itself: " + cause);
    }
  }

  private static List<String> serviceClasses(Path path) {
    try {
      String text;
      if (Files.isDirectory(path)) {
        Path f = path.resolve(SERVICE);
        if (!Files.exists(f)) {
          return List.of();
        }
        text = Files.readString(f, StandardCharsets.UTF_8);
      } else {
        try (JarFile jar = new JarFile(path.toFile())) {
          ZipEntry e = jar.getEntry(SERVICE);
          if (e == null) {
            return List.of();
          }
          try (InputStream in = jar.getInputStream(e)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
        }
      }
      List<String> out = new ArrayList<>();
      for (String line : text.split("\n")) {
        String l = line.replaceAll("#.*", "").trim();
        if (!l.isEmpty()) {
          out.add(l);
        }
      }
      return out;
    } catch (IOException e) {
      throw PorterException.usage(
          "cannot read the app in " + path + ": " + IoErrors.reason(e, path));
    }
  }
}
