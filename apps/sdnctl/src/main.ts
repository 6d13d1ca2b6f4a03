import { runConformance, summaryLine } from '@sdn/render';
const outcomes = runConformance(process.argv[2]);
for (const o of outcomes) console.log(o.status, o.name, 'reason' in o ? o.reason : '');
console.log(summaryLine(outcomes));
