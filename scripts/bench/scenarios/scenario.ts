/** What a benchmark scenario is: a function from the running emulator and options to tables and data. */
import type { EmulatorHandle } from '../emulator';
import type { Options } from '../options';
import type { Table } from '../table';

interface ScenarioContext {
	emulator: EmulatorHandle;
	options: Options;
	/** Folder of the JSON result, for files a scenario writes (CPU profiles). */
	resultsDir: string;
}

interface ScenarioResult {
	tables: Table[];
	/** Written under the scenario's name into the JSON result. */
	data: unknown;
}

export type Scenario = (context: ScenarioContext) => Promise<ScenarioResult>;

/** Concurrency of the overhead, placement and profile runs. */
export const OVERHEAD_CONCURRENCY = 10;

export const log = (message: string): void => {
	process.stderr.write(`[bench] ${message}\n`);
};
