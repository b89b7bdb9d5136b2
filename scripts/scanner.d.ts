/** The part of n8n's community-package scanner (an untyped ES module) that `npm run scan` uses. */
declare module '@n8n/scan-community-package/scanner/scanner.mjs' {
	export interface ScanResult {
		passed: boolean;
		message?: string;
		details?: string;
	}
	export function analyzePackage(dir: string, patterns: string[]): Promise<ScanResult>;
	export const SOURCE_FILE_PATTERNS: string[];
}
