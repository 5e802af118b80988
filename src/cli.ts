import { ConfigError, loadConfig } from './config.ts';
import { startDecoy, type Part } from './main.ts';

const USAGE = `usage: decoy serve [--only admin|tracking|worker]

Starts Decoy. Configuration comes from DECOY_* environment variables (see README).`;

function fail(line: string): never {
  console.error(`decoy: ${line}`);
  process.exit(1);
}

export async function runCli(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command !== 'serve') fail(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
  let parts: Part[] = ['admin', 'tracking', 'worker'];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = arg.startsWith('--only=') ? arg.slice(7) : arg === '--only' ? rest[++i] : undefined;
    if (value === undefined) fail(`unknown option "${arg}"\n${USAGE}`);
    if (!['admin', 'tracking', 'worker'].includes(value)) fail(`--only: expected admin, tracking or worker, got "${value ?? ''}"`);
    parts = [value as Part];
  }
  try {
    const config = loadConfig(process.env);
    const running = await startDecoy(config, parts);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await running.stop().catch(() => {});
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    fail(`failed to start: ${(err as Error).message}`);
  }
}
