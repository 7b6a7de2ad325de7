/** Real-broker helpers for the integration specs: the skip/require rule, and mosquitto_pub / mosquitto_sub as the independent clients. */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { portOpenSync, requireService } from '@streamweave/testing/node';

export { until } from '@streamweave/testing/node';

export const port = Number(process.env.STREAMWEAVE_MQTT_PORT ?? 1883);
export const url = `mqtt://127.0.0.1:${port}`;

/** Probes Mosquitto synchronously, so jest can skip whole blocks at collection time. */
export const brokerUp = (): boolean => requireService('MQTT integration', portOpenSync(port), `Mosquitto not reachable at 127.0.0.1:${port}`);

export const unique = (prefix: string) => `sw-test/${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/** Publishes each message with mosquitto_pub (one process, one line per message). */
export function pub(topic: string, messages: readonly string[], opts: { qos?: number; retain?: boolean } = {}): void {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(opts.qos ?? 1), '-l'];
  if (opts.retain) args.push('-r');
  const r = spawnSync('mosquitto_pub', args, { input: messages.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mosquitto_pub failed: ${r.stderr}`);
}

/** Clears a retained message. */
export function clearRetained(topic: string): void {
  const r = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-r', '-n'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mosquitto_pub failed: ${r.stderr}`);
}

/** Starts mosquitto_sub for `count` messages; resolves with their lines (topic and payload) once subscribed. */
export async function sub(topic: string, count: number, qos = 1): Promise<{ ready: Promise<void>; messages: Promise<string[]> }> {
  const p = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos), '-C', String(count), '-v', '-W', '20']);
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const messages = new Promise<string[]>((resolve, reject) => {
    p.on('exit', (code) => (code === 0 ? resolve(out.split('\n').filter((l) => l !== '')) : reject(new Error(`mosquitto_sub exited with ${String(code)}: ${out}`))));
  });
  // mosquitto_sub gives no "subscribed" signal; a short pause covers the SUBSCRIBE round trip on localhost.
  const ready = new Promise<void>((r) => setTimeout(r, 300));
  return { ready, messages };
}
