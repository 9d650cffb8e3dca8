import { summarize } from './lib/profile.js';
const s = summarize(process.argv[2]!, 40);
for (const f of s.byFunction) console.log((100 * f.share).toFixed(1).padStart(5), f.name);
