/** `npm run docs:sync`: rewrites the documentation's included code blocks from their example files. */
import { syncIncludes } from './markdown.js';

const changed = syncIncludes();
process.stdout.write(changed.length ? `updated ${changed.join(', ')}\n` : 'every included block is in sync\n');
