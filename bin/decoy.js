#!/usr/bin/env node
// Installed entry point: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';
register();
const { runCli } = await import('../src/cli.ts');
await runCli(process.argv.slice(2));
