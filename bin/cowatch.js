#!/usr/bin/env node
// The CLI is TypeScript run through tsx, like the server (`npm start`).
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('../src/cli/main.ts');
await runMain();
