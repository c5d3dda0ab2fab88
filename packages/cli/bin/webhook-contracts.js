#!/usr/bin/env node
// Committed entry point (the compiled CLI lives in dist/, which is built, not committed),
// so that pnpm can link the bin at install time, before anything is built.
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
