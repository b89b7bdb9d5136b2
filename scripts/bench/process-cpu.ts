/**
 * CPU time of another process and all it started, from /proc (Linux): n8n runs in a process
 * group of its own (testkit/process), with its task runner in the same group.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND =
	Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** The fields of /proc/<pid>/stat after the command name (index 0 is field 3, the state). */
function statFields(pid: string): string[] | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	} catch {
		return undefined;
	}
}

const pids = () => readdirSync('/proc').filter((name) => /^\d+$/.test(name));

/** The process group of the process working in `cwd` whose command line contains `marker`. */
export function processGroupIn(cwd: string, marker: string): number | undefined {
	for (const pid of pids()) {
		try {
			if (readlinkSync(`/proc/${pid}/cwd`) !== cwd) continue;
			if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
		} catch {
			continue;
		}
		const group = statFields(pid)?.[2];
		if (group !== undefined) return Number(group);
	}
	return undefined;
}

/**
 * User plus system seconds of a group's living members, and of the children they have reaped
 * (a task runner that was restarted).
 */
export function groupCpuSeconds(group: number): number {
	let ticks = 0;
	for (const pid of pids()) {
		const fields = statFields(pid);
		if (fields === undefined || Number(fields[2]) !== group) continue;
		// utime, stime, cutime, cstime: fields 14 to 17.
		for (const index of [11, 12, 13, 14]) ticks += Number(fields[index]);
	}
	return ticks / TICKS_PER_SECOND;
}
