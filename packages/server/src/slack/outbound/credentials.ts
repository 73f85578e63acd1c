// Delivery's own view of the Slack installation. A separate InstallationStore (same table, same key) so that the
// dispatcher's polling never shares an in-memory credentials cache with the Slack app's request handling: a poll
// racing an OAuth install must not leave the app answering "not connected" until that cache expires.
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { slackEnabled, type Config } from '../../config.js';
import { InstallationStore, webClientRefresher } from '../platform/installation.js';
import { webClientOptions } from '../platform/sdk-options.js';
import { SecretCipher } from '../../secret-cipher.js';
import type { SlackInstallationRepository } from '../../storage/slack-installations.js';

export function deliveryInstallations(
  rows: SlackInstallationRepository,
  encryptionKey: Buffer,
  config: Config,
  logger: Logger,
): InstallationStore {
  const slack = config.slack;
  const refresher = slackEnabled(config)
    ? webClientRefresher(
        new WebClient(undefined, webClientOptions(slack.apiUrl, logger)),
        slack.clientId!,
        slack.clientSecret!,
      )
    : undefined;
  return new InstallationStore(rows, new SecretCipher(encryptionKey), refresher);
}
