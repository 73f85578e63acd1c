// `liftoff start | worker | migrate`.
import { ConfigError, loadConfig } from './config.js';
import { createLiftoff, migrateDatabase, type Liftoff } from './app.js';
import { createLogger } from './logger.js';

const USAGE = `usage: liftoff <command>

  start     HTTP API (and the embedded runner unless LIFTOFF_RUNNER=off)
  worker    the runner only (for LIFTOFF_RUNNER=off deployments)
  migrate   apply database migrations and exit
`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (!['start', 'worker', 'migrate'].includes(command)) {
    process.stderr.write(`liftoff: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }

  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`liftoff: invalid configuration: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);

  if (command === 'migrate') {
    const applied = await migrateDatabase(config);
    logger.info(
      { migrations: applied },
      applied.length > 0 ? 'migrations applied' : 'database is up to date',
    );
    return 0;
  }

  let liftoff: Liftoff;
  try {
    liftoff =
      command === 'worker'
        ? await createLiftoff(config, { logger, http: false, runner: true })
        : await createLiftoff(config, { logger });
    await liftoff.start();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`liftoff: invalid configuration: ${err.message}\n`);
      return 1;
    }
    logger.fatal({ err }, 'start-up failed');
    return 1;
  }

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await liftoff.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`liftoff: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
