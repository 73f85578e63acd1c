#!/usr/bin/env -S node --conditions=source --import tsx
// `npm start -w packages/slack-sim -- [--port 3001] [--request-url URL] [--redirect-url URL]
//   [--client-id ID] [--client-secret S] [--signing-secret S] [--rate-limits off|slack] [--prompt] [--json]`
// Starts the simulator with the demo workspace (Acme: alice, bob, #general, #random,
// #dev-notifications) and prints what an app needs to talk to it. Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { seedDemo, startSlackSim } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.SLACK_SIM_PORT ?? '3001' },
    host: { type: 'string', default: '127.0.0.1' },
    'request-url': { type: 'string', default: process.env.SLACK_SIM_REQUEST_URL },
    'redirect-url': { type: 'string', default: process.env.SLACK_SIM_REDIRECT_URL },
    'client-id': { type: 'string', default: process.env.SLACK_CLIENT_ID },
    'client-secret': { type: 'string', default: process.env.SLACK_CLIENT_SECRET },
    'signing-secret': { type: 'string', default: process.env.SLACK_SIGNING_SECRET },
    'rate-limits': { type: 'string', default: 'slack' },
    json: { type: 'boolean', default: false },
    prompt: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(
    'usage: slack-sim [--port 3001] [--host 127.0.0.1] [--request-url URL] [--redirect-url URL]\n' +
      '                 [--client-id ID] [--client-secret S] [--signing-secret S] [--rate-limits off|slack] [--prompt] [--json]\n' +
      '  --prompt: show an Allow/Cancel page at authorize instead of approving as alice at once',
  );
  process.exit(0);
}

const rateMode = values['rate-limits'];
if (rateMode !== 'off' && rateMode !== 'slack') {
  console.error(`--rate-limits must be off or slack, not ${rateMode}`);
  process.exit(2);
}

const sim = await startSlackSim({
  port: Number(values.port),
  host: values.host,
  rateLimits: { mode: rateMode },
});
const demo = seedDemo(sim.control, {
  requestUrl: values['request-url'],
  redirectUrl: values['redirect-url'],
  clientId: values['client-id'],
  clientSecret: values['client-secret'],
  signingSecret: values['signing-secret'],
});

if (values.prompt)
  sim.control.setOAuthApproval({ decision: 'prompt', userId: demo.users.alice.id, teamId: demo.team.id });

if (values.json) {
  console.log(JSON.stringify({ url: sim.url, apiUrl: sim.apiUrl, authorizeUrl: sim.authorizeUrl, ...demo }));
} else {
  const { team, users, channels, app } = demo;
  console.log(`slack-sim listening on ${sim.url}

Point the app at it:
  SLACK_API_URL=${sim.apiUrl}
  SLACK_AUTHORIZE_URL=${sim.authorizeUrl}
  SLACK_CLIENT_ID=${app.clientId}
  SLACK_CLIENT_SECRET=${app.clientSecret}
  SLACK_SIGNING_SECRET=${app.signingSecret}

Workspace ${team.name} (${team.id}), app ${app.name} (${app.id})
  users:    alice ${users.alice.id} (admin), bob ${users.bob.id}
  channels: #general ${channels.general.id}, #random ${channels.random.id}, #dev-notifications ${channels.devNotifications.id} (private, alice only)
  request URL: ${app.requestUrl ?? '(not set: curl ' + sim.url + '/_sim/control/updateApp -d \'["' + app.id + '",{"requestUrl":"http://127.0.0.1:3000/slack/events","redirectUrls":["http://127.0.0.1:3000/slack/oauth_redirect"]}]\')'}

Install: open the app's /slack/install; the sim ${values.prompt ? 'asks alice to Allow' : 'approves as alice'} and redirects back.
Invite the bot to the private channel:
  curl -s ${sim.url}/_sim/control/inviteBot -d '["${channels.devNotifications.id}","${app.id}"]'
Run a slash command as alice in #dev-notifications:
  curl -s ${sim.url}/_sim/driver/slashCommand -d '{"channel":"${channels.devNotifications.id}","user":"${users.alice.id}","command":"/liftoff","text":"help"}'
Click a button of a message (action_id from the message's blocks):
  curl -s ${sim.url}/_sim/driver/clickButton -d '{"channel":"${channels.devNotifications.id}","ts":"<message ts>","user":"${users.alice.id}","actionId":"confirm"}'
Or do all of that in a browser, as alice or bob: ${sim.url}/_sim/ui
Inspect:
  curl -s ${sim.url}/_sim/channels/${channels.devNotifications.id}/messages
  curl -s '${sim.url}/_sim/ephemerals?user=${users.alice.id}'
  curl -s '${sim.url}/_sim/calls?method=chat.postMessage'
`);
}

const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
