/** V8's CPU profiler on this process's main thread, for the bench's servers' profile-start and profile-stop commands. */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

let session: Session | undefined;

export async function profileStart(): Promise<void> {
  session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 250 });
  await session.post("Profiler.start");
}

/** Stops the profiler and writes the .cpuprofile to `file`. */
export async function profileStop(file: string): Promise<void> {
  const { profile } = await session!.post("Profiler.stop");
  writeFileSync(file, JSON.stringify(profile));
  session!.disconnect();
  session = undefined;
}
