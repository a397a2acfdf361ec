import { spawn, type ChildProcess } from "node:child_process";

export type SpawnedServer = { url: string; process: ChildProcess; stop: () => Promise<void> };

/**
 * Starts lib/test/api-server.ts in its own process with `env` added; resolves
 * once it listens. stop() sends SIGTERM (a graceful shutdown, as in production)
 * and SIGKILL if the process is still there 30 s later (a loaded machine, a
 * job that does not give up), so a test's teardown always ends.
 */
export function spawnApiServer(env: Record<string, string>): Promise<SpawnedServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "lib/test/api-server.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.once("exit", (code) => reject(new Error(`api server exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      const m = /listening (\d+)/.exec(chunk.toString());
      if (!m) return;
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        process: child,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners("exit");
            const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
            child.once("exit", () => done(clearTimeout(timer)));
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
