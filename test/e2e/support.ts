// Shared pieces of the e2e files: variants of the local stack on the real engine, and the apps
// they deploy. kwok marks a pod ready after its `rollout.dev/ready-delay`.
import * as http from "http";
import type { AddressInfo } from "net";
import { EngineStack } from "../../tools/engine";
import { localConfig, localImage, localVersion, openLocalVariant } from "../../tools/local-stack";
import { e2e } from "./hooks";

export { localImage as image, localVersion as version };

export type App = Record<string, unknown> & { name: string };

/** An app with a short ready delay and drain, so steps take seconds. */
export function app(name: string, extra: Record<string, unknown> = {}): App {
  return { name, podAnnotations: { "rollout.dev/ready-delay": "1s" }, lifecycle: { drainSeconds: 1 }, ...extra };
}

/** A stack named `e2e-<name>` on the suite's backend and cluster. */
export function variant(name: string, apps: App[], imageRef: string): Promise<EngineStack> {
  return openLocalVariant(`e2e-${name}`, apps, imageRef, { stateDir: e2e.stateDir, kubeconfig: e2e.kubeconfig, onOutput: e2e.onOutput });
}

/** Sets the variant's apps and image, then runs `pulumi up`. */
export async function step(stack: EngineStack, apps: App[], imageRef: string): ReturnType<EngineStack["up"]> {
  await stack.setConfig(localConfig(apps, imageRef, stack.options.stack));
  return stack.up();
}

export function seconds(t0: number): number {
  return (Date.now() - t0) / 1000;
}

/** A Prometheus query API on the loopback: every query is recorded and answered with one vector sample, `value`. */
export class FakePrometheus {
  readonly queries: string[] = [];
  private server?: http.Server;
  constructor(public value: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.queries.push(new URL(req.url ?? "/", "http://127.0.0.1").searchParams.get("query") ?? "");
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          status: "success",
          data: { resultType: "vector", result: [{ metric: {}, value: [Date.now() / 1000, this.value] }] },
        }),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
