#!/usr/bin/env node
import { main } from './main.js';

let interrupt: () => void = () => {};
const interrupted = new Promise<void>((resolve) => {
  interrupt = resolve;
});
process.once('SIGINT', () => interrupt());
process.once('SIGTERM', () => interrupt());

const code = await main(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() },
  interrupted,
);
// Exit once output is flushed, so no idle keep-alive socket can hold the process open.
process.stdout.write('', () => process.exit(code));
