package dev.porter.cli.apps;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.testdata.helpdesk.V1ToV2;
import dev.porter.testdata.helpdesk.V3ToV4;

/** The helpdesk app missing its step from release 2 to 3: refused when loaded. */
public final class HelpdeskWithAGap implements PorterApp {
  @Override
  public AppDefinition definition() {
    return Helpdesks.withSteps(new V1ToV2(), new V3ToV4());
  }
}
