import { redisBackend } from '@streamweave/state/node';
import { backendConformance } from '../../../test/backendConformance.js';
import { serviceUp } from '../../../test/services.js';

const prefix = `sw-test-${process.pid}-${Date.now()}`;

if (serviceUp('redis', 6379)) {
  backendConformance('redis', () => redisBackend({ prefix }));

  describe('redis backend failures', () => {
    it('fails a write with the reason when redis is unreachable', async () => {
      const backend = redisBackend({ connection: { port: 1, retryStrategy: () => null }, prefix });
      await expect(backend.write(1, 'op', [['a', '1']])).rejects.toThrow(/redis is not reachable|Connection is closed|ECONNREFUSED|Stream isn't writeable/);
      await backend.close();
    });
  });
} else {
  describe.skip('redis backend (server absent)', () => undefined);
}
