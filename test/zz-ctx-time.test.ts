import { it } from 'vitest';
import { createTestContext } from './support/harness.js';
it('times', async () => {
  for (let i = 0; i < 2; i++) {
    const s = performance.now();
    const t = await createTestContext();
    console.log('ctx ms', performance.now() - s);
    await t.close();
  }
});
