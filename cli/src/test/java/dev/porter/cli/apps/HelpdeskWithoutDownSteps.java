package dev.porter.cli.apps;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.testdata.helpdesk.V1ToV2;
import dev.porter.testdata.helpdesk.V2ToV3;
import dev.porter.testdata.helpdesk.V3ToV4;

/** The helpdesk app without its down-step: no way from release 4 back to 3. */
public final class HelpdeskWithoutDownSteps implements PorterApp {
  @Override
  public AppDefinition definition() {
    return Helpdesks.withSteps(new V1ToV2(), new V2ToV3(), new V3ToV4());
  }
}
