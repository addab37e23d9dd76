import postgres from 'postgres';
const m = await import('./seed.ts') as any;
