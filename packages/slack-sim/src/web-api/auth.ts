import { requireAuth } from './context.js';
import { booleanParam } from './params.js';
import { revokeTokens } from '../installations.js';
import type { MethodSpec } from './method.js';

export const authMethods: Record<string, MethodSpec> = {
  'auth.test': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      const { store } = ctx.sim;
      const inst = auth.installation;
      const out: Record<string, unknown> = {};
      if (inst.isEnterpriseInstall && inst.enterpriseId) {
        // Org-wide tokens identify the org, not a workspace.
        const e = store.enterprise(inst.enterpriseId);
        Object.assign(out, { url: `https://${e.domain}.enterprise.slack.com/`, team: e.name, team_id: e.id });
      } else {
        const t = store.team(inst.teamId!);
        Object.assign(out, { url: `https://${t.domain}.slack.com/`, team: t.name, team_id: t.id });
      }
      out.user = auth.actor.name;
      out.user_id = auth.actor.id;
      if (auth.token.kind === 'bot') out.bot_id = inst.botId;
      if (inst.enterpriseId) out.enterprise_id = inst.enterpriseId;
      out.is_enterprise_install = inst.isEnterpriseInstall;
      return out;
    },
  },
  'auth.revoke': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      // test=true only checks the token; Slack answers revoked:false.
      if (booleanParam(ctx.params, 'test')) return { revoked: false };
      revokeTokens(ctx.sim, [auth.token]);
      return { revoked: true };
    },
  },
};
