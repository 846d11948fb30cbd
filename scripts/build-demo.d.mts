/** Whether apps/demo's build exists and is newer than every file it is built from. */
export function demoBuildState(root: string): 'missing' | 'stale' | 'fresh';
/** Build apps/demo with Vite unless its build is fresh. */
export function ensureDemoBuilt(root: string): Promise<'built' | 'fresh'>;
