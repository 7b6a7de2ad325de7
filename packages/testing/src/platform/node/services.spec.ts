/// <reference types="node" />
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binariesAvailable, freePort, portOpenSync, requireService, until } from '../../node.js';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

describe('freePort', () => {
  it('returns a port that can be listened on at once', async () => {
    const port = await freePort();
    expect(Number.isInteger(port) && port > 0 && port < 65536).toBe(true);
    const s = await listen(port);
    expect((s.address() as { port: number }).port).toBe(port);
    await close(s);
  });

  it('rejects when the host cannot be bound', async () => {
    await expect(freePort('203.0.113.1')).rejects.toThrow(/EADDRNOTAVAIL/);
  });
});

describe('portOpenSync', () => {
  it('is true for a listening port and false once it is closed', async () => {
    const port = await freePort();
    const s = await listen(port);
    expect(portOpenSync(port)).toBe(true);
    expect(portOpenSync(port, '127.0.0.1')).toBe(true);
    await close(s);
    expect(portOpenSync(port)).toBe(false);
  });

  it('takes a host and a timeout', async () => {
    const port = await freePort();
    const s = await listen(port);
    expect(portOpenSync(port, '127.0.0.1', 1000)).toBe(true);
    expect(portOpenSync(port, 'localhost', 1000)).toBe(true);
    await close(s);
    expect(portOpenSync(port, '127.0.0.1', 200)).toBe(false);
  });
});

describe('requireService', () => {
  const saved = process.env.STREAMWEAVE_REQUIRE_SERVICES;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
    if (saved === undefined) delete process.env.STREAMWEAVE_REQUIRE_SERVICES;
    else process.env.STREAMWEAVE_REQUIRE_SERVICES = saved;
  });

  it('returns true when available, printing nothing, whatever the variable says', () => {
    process.env.STREAMWEAVE_REQUIRE_SERVICES = '1';
    expect(requireService('Redis integration', true, 'unused')).toBe(true);
    delete process.env.STREAMWEAVE_REQUIRE_SERVICES;
    expect(requireService('Redis integration', true, 'unused')).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('prints the reason and returns false when unavailable and not required', () => {
    delete process.env.STREAMWEAVE_REQUIRE_SERVICES;
    expect(requireService('Redis integration', false, 'Redis not reachable at 127.0.0.1:6379')).toBe(false);
    process.env.STREAMWEAVE_REQUIRE_SERVICES = '0';
    expect(requireService('MQTT restart', false, 'mosquitto not installed')).toBe(false);
    expect(warn.mock.calls).toEqual([['skipping Redis integration tests: Redis not reachable at 127.0.0.1:6379'], ['skipping MQTT restart tests: mosquitto not installed']]);
  });

  it('throws with the reason when unavailable and STREAMWEAVE_REQUIRE_SERVICES=1', () => {
    process.env.STREAMWEAVE_REQUIRE_SERVICES = '1';
    expect(() => requireService('PostgreSQL restart', false, 'there is no postgres user')).toThrow(
      new Error('PostgreSQL restart tests are required (STREAMWEAVE_REQUIRE_SERVICES=1) but cannot run: there is no postgres user'),
    );
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('binariesAvailable', () => {
  const savedPath = process.env.PATH;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'testing-bins-'));
    writeFileSync(join(dir, 'sw-tool'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, 'sw-tool'), 0o755);
    writeFileSync(join(dir, 'sw-plain'), 'not executable\n');
    chmodSync(join(dir, 'sw-plain'), 0o644);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('lists, in order, the names not found as executable files on PATH', () => {
    process.env.PATH = `${dir}`;
    expect(binariesAvailable(['sw-tool', 'sw-no-such-tool', 'sw-plain'])).toEqual(['sw-no-such-tool', 'sw-plain']);
    expect(binariesAvailable(['sw-tool'])).toEqual([]);
    expect(binariesAvailable([])).toEqual([]);
  });

  it('checks a name with a slash as a path (an executable file, not a directory)', () => {
    expect(binariesAvailable([process.execPath, join(dir, 'sw-tool'), join(dir, 'sw-plain'), dir, join(dir, 'absent')])).toEqual([join(dir, 'sw-plain'), dir, join(dir, 'absent')]);
  });

  it('finds nothing on an empty or unset PATH except in the sbin dirs', () => {
    delete process.env.PATH;
    expect(binariesAvailable(['sw-tool'])).toEqual(['sw-tool']);
    process.env.PATH = '';
    expect(binariesAvailable(['sw-tool'])).toEqual(['sw-tool']);
  });
});

describe('until', () => {
  it('resolves once the check returns true', async () => {
    let calls = 0;
    await until(() => ++calls === 3, 5000, 'three calls');
    expect(calls).toBe(3);
  });

  it('awaits an async check', async () => {
    let calls = 0;
    await until(async () => ++calls >= 2, 5000, 'two calls');
    expect(calls).toBe(2);
  });

  it('rejects with what it waited for once the time is up', async () => {
    let calls = 0;
    await expect(
      until(
        () => {
          calls++;
          return false;
        },
        50,
        'a thing that never happens',
      ),
    ).rejects.toThrow(new Error('timed out after 50 ms waiting for a thing that never happens'));
    expect(calls).toBeGreaterThan(1);
  });

  it('rejects at once when the check throws', async () => {
    await expect(
      until(
        () => {
          throw new Error('boom');
        },
        5000,
        'x',
      ),
    ).rejects.toThrow(new Error('boom'));
  });
});
