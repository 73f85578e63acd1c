// The baseline for bench/slack.ts: a bare Bolt app on Liftoff's Slack receiver (same Fastify, same signature
// verification and body handling) whose command listener only acks. Prints `{"port": N}` once listening.
//   SLACK_SIGNING_SECRET (required)
import { App } from '@slack/bolt';
import Fastify from 'fastify';
import pino from 'pino';
import { FastifyReceiver } from '../packages/server/src/slack/inbound/receiver.js';

const signingSecret = process.env.SLACK_SIGNING_SECRET;
if (!signingSecret) throw new Error('SLACK_SIGNING_SECRET is required');
const logger = pino({ level: 'warn' });
const receiver = new FastifyReceiver({ signingSecret, logger });
const app = new App({
  receiver,
  // No installation lookup: the bare app never calls Slack.
  authorize: async () => ({ botToken: 'xoxb-bare', botUserId: 'UBARE', botId: 'BBARE' }),
  convoStore: false,
});
app.command(/^\/.+/, async ({ ack }) => {
  await ack();
});
const fastify = Fastify({ loggerInstance: logger });
await fastify.register(receiver.plugin());
await fastify.listen({ port: 0, host: '127.0.0.1' });
const address = fastify.server.address();
console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
const stop = () => void fastify.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
