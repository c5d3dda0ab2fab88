/**
 * `webhook-contracts serve` under load, in a process of its own (started by receiver-case.ts): the CLI's
 * own main(), as its bin runs it, in this process, so that the bench can profile it:
 *   node --import tsx bench/src/serve-server.ts <config file> [serve flags...]
 * It picks a free port on 127.0.0.1, starts `serve --config <file> --port <port> [flags]` (its log lines
 * go to this process's standard output: the bench points it at a file, as an operator's log), waits
 * until /healthz answers, and says {port} on its IPC channel; then answers commands there:
 *   {cmd: "cpu"}     this process's CPU time so far, every thread's: {user, system} in µs
 *   {cmd: "profile-start"} / {cmd: "profile-stop", file}   a CPU profile of this process's main thread
 *   {cmd: "stop"}    SIGTERM, as an operator would: serve drains and returns; {cmd: "stop", code}
 */
import http from "node:http";
import net from "node:net";
import { profileStart, profileStop } from "./profiler.ts";

// The built CLI, as its bin (packages/cli/bin/webhook-contracts.js) loads it.
const cli = new URL("../../packages/cli/dist/cli.js", import.meta.url).href;
const { main } = (await import(cli)) as {
  main: (argv: string[], io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }) => Promise<number>;
};

type Command = { cmd: "cpu" } | { cmd: "profile-start" } | { cmd: "profile-stop"; file: string } | { cmd: "stop" };

const [config = "", ...flags] = process.argv.slice(2);
const reply = (message: unknown) => process.send!(message);

const port = await new Promise<number>((resolve, reject) => {
  const probe = net.createServer().once("error", reject);
  probe.listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as net.AddressInfo;
    probe.close(() => resolve(port));
  });
});

const served = main(["serve", "--config", config, "--port", String(port), "--host", "127.0.0.1", ...flags], {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
void served.then((code) => {
  if (code !== 0) process.stderr.write(`serve exited with code ${code}\n`);
});

const healthy = () =>
  new Promise<boolean>((resolve) => {
    http
      .get({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .once("error", () => resolve(false));
  });
const deadline = Date.now() + 60_000;
let exited: number | undefined;
void served.then((code) => (exited = code));
while (!(await healthy())) {
  if (exited !== undefined) throw new Error(`serve exited with code ${exited} before it answered /healthz`);
  if (Date.now() > deadline) throw new Error(`serve did not answer /healthz on port ${port} within 60 s`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

process.on("message", (message: Command) => {
  void (async () => {
    switch (message.cmd) {
      case "cpu":
        return reply({ cmd: "cpu", ...process.cpuUsage() });
      case "profile-start":
        await profileStart();
        return reply({ cmd: "profile-start" });
      case "profile-stop":
        await profileStop(message.file);
        return reply({ cmd: "profile-stop", file: message.file });
      case "stop": {
        process.kill(process.pid, "SIGTERM");
        const code = await served;
        reply({ cmd: "stop", code });
        return process.disconnect();
      }
    }
  })().catch((error: unknown) => {
    process.stderr.write(`serve server: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
});
reply({ cmd: "listening", port });
