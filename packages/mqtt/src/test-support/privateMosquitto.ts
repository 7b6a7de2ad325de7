/**
 * A Mosquitto broker owned by one test, on a free port with persistence on (the broker
 * saves sessions, subscriptions and queued QoS >= 1 messages when it stops and loads them
 * when it starts), so it can be restarted without touching the machine's shared broker.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binariesAvailable, freePort, requireService, until } from '@streamweave/testing/node';

/**
 * True when mosquitto and mosquitto_pub are installed; otherwise prints
 * why the tests skip, or throws when STREAMWEAVE_REQUIRE_SERVICES=1.
 */
export function privateMosquittoAvailable(): boolean {
  const absent = binariesAvailable(['mosquitto', 'mosquitto_pub']);
  return requireService('MQTT broker restart', absent.length === 0, `${absent.join(', ')} not installed`);
}

/** A running private broker. */
export interface PrivateMosquitto {
  readonly port: number;
  readonly url: string;
  /** Stops the broker: SIGTERM saves its persistence file first (a clean restart), SIGKILL does not (only the last autosave survives). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and persistence file; resolves once it accepts connections. */
  start(): Promise<void>;
  pid(): number;
  /** Publishes messages (one per line) with mosquitto_pub, not blocking the event loop; rejects when it fails. */
  pub(topic: string, messages: readonly string[], qos?: number): Promise<void>;
  /**
   * Starts mosquitto_sub with a persistent session (`-c -i <clientId>`, QoS 1), which
   * reconnects by itself after a broker restart; collects payloads until `stop()`.
   */
  sub(topic: string, clientId: string): { readonly lines: string[]; stop(): void };
  /** Stops the broker and removes its files. */
  destroy(): Promise<void>;
}

const mosquittoBin = () => (spawnSync('sh', ['-c', 'command -v mosquitto']).status === 0 ? 'mosquitto' : '/usr/sbin/mosquitto');

/** Starts Mosquitto in /tmp/mqtt-* on a free port. */
export async function startPrivateMosquitto(): Promise<PrivateMosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-'));
  // Started as root, Mosquitto drops to its own user, which must be able to write the persistence file.
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'autosave_interval 1', `log_dest file ${join(dir, 'log')}`, 'max_queued_messages 100000', ''].join('\n'),
  );
  chmodSync(conf, 0o644);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  const broker: PrivateMosquitto = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async stop(signal = 'SIGTERM') {
      child?.kill(signal);
      await exited;
      child = undefined;
    },
    async start() {
      const c = spawn(mosquittoBin(), ['-c', conf], { stdio: 'ignore' });
      child = c;
      exited = new Promise((resolve) => c.once('exit', () => resolve()));
      await until(
        () => {
          if (c.exitCode !== null) throw new Error(`mosquitto on port ${port} exited with ${c.exitCode}; see ${join(dir, 'log')}`);
          return accepts();
        },
        10_000,
        `mosquitto on port ${port} to accept connections`,
      );
    },
    pid: () => child?.pid ?? -1,
    pub(topic, messages, qos = 1) {
      return new Promise((resolve, reject) => {
        const p = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos), '-l'], { stdio: ['pipe', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.stdin.on('error', () => undefined);
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited with ${String(code)}: ${err}`))));
        p.stdin.end(messages.join('\n') + '\n');
      });
    },
    sub(topic, clientId) {
      const p = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', '1', '-c', '-i', clientId], { stdio: ['ignore', 'pipe', 'ignore'] });
      const got: string[] = [];
      let rest = '';
      p.stdout.on('data', (d: Buffer) => {
        const parts = (rest + d.toString()).split('\n');
        rest = parts.pop()!;
        got.push(...parts);
      });
      return { lines: got, stop: () => void p.kill('SIGTERM') };
    },
    async destroy() {
      await broker.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
