/**
 * A Mosquitto broker owned by one test, on a free port, so it can be restarted or made to
 * require a login without touching the machine's shared broker. By default persistence
 * is on (the broker saves sessions, subscriptions and queued QoS >= 1 messages when it
 * stops and loads them when it starts) and anonymous clients are allowed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binariesAvailable, freePort, requireService, until } from '@streamweave/testing/node';

/**
 * True when mosquitto and mosquitto_pub are installed; otherwise prints
 * why the tests skip, or throws when STREAMWEAVE_REQUIRE_SERVICES=1.
 */
export function privateMosquittoAvailable(what = 'MQTT broker restart', binaries: readonly string[] = []): boolean {
  const absent = binariesAvailable(['mosquitto', 'mosquitto_pub', ...binaries]);
  return requireService(what, absent.length === 0, `${absent.join(', ')} not installed`);
}

/** How to configure a private broker. */
export interface PrivateMosquittoOptions {
  /** Persistence on (default true). */
  readonly persistence?: boolean;
  /**
   * Users and passwords (made with mosquitto_passwd): with them, anonymous clients are
   * refused (`allow_anonymous false`), and `pub` / `sub` log in as the first user.
   */
  readonly users?: Readonly<Record<string, string>>;
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
  /** Changes a user's password in the password file; the broker reads it on its next start. */
  setPassword(user: string, password: string): void;
  /** Lines of the broker's log. */
  log(): string[];
  /** Stops the broker and removes its files. */
  destroy(): Promise<void>;
}

const mosquittoBin = () => (spawnSync('sh', ['-c', 'command -v mosquitto']).status === 0 ? 'mosquitto' : '/usr/sbin/mosquitto');

/** Starts Mosquitto in /tmp/mqtt-* on a free port. */
export async function startPrivateMosquitto(options: PrivateMosquittoOptions = {}): Promise<PrivateMosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-'));
  // Started as root, Mosquitto drops to its own user, which must be able to write the persistence file.
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  const passwordFile = join(dir, 'passwd');
  const users = Object.entries(options.users ?? {});
  const setPassword = (user: string, password: string) => {
    const r = spawnSync('mosquitto_passwd', ['-b', ...(existsSync(passwordFile) ? [] : ['-c']), passwordFile, user, password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    // Mosquitto reads it after dropping to its own user.
    chmodSync(passwordFile, 0o644);
  };
  for (const [user, password] of users) setPassword(user, password);
  const login = users.length === 0 ? [] : ['-u', users[0]![0], '-P', users[0]![1]];
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      ...(users.length === 0 ? ['allow_anonymous true'] : ['allow_anonymous false', `password_file ${passwordFile}`]),
      ...(options.persistence === false ? ['persistence false'] : ['persistence true', `persistence_location ${dir}/`, 'autosave_interval 1']),
      `log_dest file ${join(dir, 'log')}`,
      'max_queued_messages 100000',
      '',
    ].join('\n'),
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
        const p = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), ...login, '-t', topic, '-q', String(qos), '-l'], { stdio: ['pipe', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.stdin.on('error', () => undefined);
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited with ${String(code)}: ${err}`))));
        p.stdin.end(messages.join('\n') + '\n');
      });
    },
    sub(topic, clientId) {
      const p = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), ...login, '-t', topic, '-q', '1', '-c', '-i', clientId], { stdio: ['ignore', 'pipe', 'ignore'] });
      const got: string[] = [];
      let rest = '';
      p.stdout.on('data', (d: Buffer) => {
        const parts = (rest + d.toString()).split('\n');
        rest = parts.pop()!;
        got.push(...parts);
      });
      return { lines: got, stop: () => void p.kill('SIGTERM') };
    },
    setPassword,
    log: () => readFileSync(join(dir, 'log'), 'utf8').split('\n').filter((l) => l !== ''),
    async destroy() {
      await broker.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
