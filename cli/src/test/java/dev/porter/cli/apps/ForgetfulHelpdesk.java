package dev.porter.cli.apps;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.testdata.helpdesk.V1ToV2;
import dev.porter.testdata.helpdesk.V3ToV4;
import dev.porter.testdata.helpdesk.V4ToV3;

/** The helpdesk app whose step to release 3 forgets the NOT NULL column customer.vip. */
public final class ForgetfulHelpdesk implements PorterApp {
  @Override
  public AppDefinition definition() {
    return Helpdesks.withSteps(new V1ToV2(), new ForgetfulV2ToV3(), new V3ToV4(), new V4ToV3());
  }
}
