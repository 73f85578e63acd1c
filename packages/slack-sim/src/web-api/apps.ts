import type { MethodSpec } from './method.js';

// apps.connections.open: a fresh Socket Mode URL for the app of an app-level token (Authorization
// header only, connections:write).
// https://docs.slack.dev/reference/methods/apps.connections.open

export const appMethods: Record<string, MethodSpec> = {
  'apps.connections.open': {
    auth: 'app',
    appScope: 'connections:write',
    handler(ctx) {
      return { url: ctx.sim.socketMode.openUrl(ctx.appAuth!.app.id) };
    },
  },
};
