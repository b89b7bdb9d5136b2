'use strict';
/**
 * Helpers of the end-to-end suite (test/e2e/suite.js): one isolated n8n instance with the
 * packed package installed as a community package, its CLI, its database and its server.
 * Plain JavaScript, run under Node 24 by scripts/test-n8n.js; jest does not see it.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const { n8nEnv, n8nCli, startN8n } = require('../../scripts/n8n-app');

const PACKAGE_NAME = 'n8n-nodes-1flow';

/** A TCP port nothing listens on right now (loopback). */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Lays the package out the way n8n 2.x's Community Nodes installer does
 * (CommunityPackagesService.downloadPackage): the tarball unpacked into
 * `.n8n/nodes/node_modules/<name>`, dev/peer/optional dependencies dropped from its
 * package.json, `npm install` (shallow, no scripts) inside it, and the version recorded in
 * `.n8n/nodes/package.json`.
 */
function installCommunityPackage(userFolder, tarball, env) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.mkdirSync(packageDir, { recursive: true });
	const untar = spawnSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], { encoding: 'utf8' });
	if (untar.status !== 0) throw new Error(`tar -xzf ${tarball} failed: ${untar.stderr}`);

	const manifestPath = path.join(packageDir, 'package.json');
	// eslint-disable-next-line no-unused-vars
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	const install = spawnSync(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error'],
		{ cwd: packageDir, env, encoding: 'utf8' },
	);
	if (install.status !== 0) throw new Error(`npm install in ${packageDir} failed: ${install.stderr}`);

	const nodesManifest = { name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: manifest.version } };
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify(nodesManifest, null, 2));
	return { packageDir, manifest };
}

/**
 * `n8n execute --rawOutput` prints the run (IRun) as indented JSON between log lines, on
 * success through stdout and on failure through the logger. Returns the first top-level
 * `{ ... }` block that parses and has `data.resultData`, or undefined.
 */
function parseRun(output) {
	const lines = output.split(/\r?\n/);
	for (let start = 0; start < lines.length; start++) {
		if (lines[start] !== '{') continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (lines[end] !== '}') continue;
			try {
				const value = JSON.parse(lines.slice(start, end + 1).join('\n'));
				if (value && value.data && value.data.resultData) return value;
			} catch {
				// not this block
			}
			break;
		}
	}
	return undefined;
}

/** Items a node sent on one of its outputs in its first run ([] when none). */
function nodeOutput(run, nodeName, outputIndex = 0) {
	const runs = run && run.data.resultData.runData[nodeName];
	if (!runs || runs.length === 0) return [];
	const main = runs[0].data && runs[0].data.main;
	return (main && main[outputIndex]) || [];
}

function nodeRan(run, nodeName) {
	return Boolean(run && run.data.resultData.runData[nodeName]);
}

/** Reads rows from n8n's SQLite database (n8n must not be writing to it). */
function queryDb(userFolder, sql, ...params) {
	// node:sqlite is built into Node >= 22.13; this runs under Node 24.
	const { DatabaseSync } = require('node:sqlite');
	const db = new DatabaseSync(path.join(userFolder, '.n8n', 'database.sqlite'), { readOnly: true });
	try {
		return db.prepare(sql).all(...params);
	} finally {
		db.close();
	}
}

/** Every byte n8n keeps on disk for its database (main file plus WAL/journal, if any). */
function databaseFiles(userFolder) {
	const dir = path.join(userFolder, '.n8n');
	return fs
		.readdirSync(dir)
		.filter((name) => name.startsWith('database.sqlite'))
		.map((name) => path.join(dir, name));
}

function request(method, url, { headers = {}, body, timeoutMs = 15000 } = {}) {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		const req = http.request(
			url,
			{
				method,
				timeout: timeoutMs,
				headers: {
					...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
					...headers,
				},
			},
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/**
 * One n8n instance: a fresh user folder with the package installed, CLI helpers and a way
 * to start its server. Every CLI output is kept (`outputs`) for the secret checks.
 */
class N8nInstance {
	constructor({ major, userFolder, port, brokerPort }) {
		this.major = major;
		this.userFolder = userFolder;
		this.port = port;
		this.env = n8nEnv({ major, userFolder, port, brokerPort });
		this.outputs = [];
	}

	static async create({ major, root, tarball }) {
		const userFolder = path.join(root, `n8n-${major}`);
		fs.rmSync(userFolder, { recursive: true, force: true });
		fs.mkdirSync(userFolder, { recursive: true, mode: 0o700 });
		const port = await freePort();
		let brokerPort = await freePort();
		while (brokerPort === port) brokerPort = await freePort();
		const instance = new N8nInstance({ major, userFolder, port, brokerPort });
		instance.installed = installCommunityPackage(userFolder, tarball, instance.env);
		return instance;
	}

	async cli(args, options = {}) {
		const result = await n8nCli(args, { major: this.major, env: this.env, ...options });
		this.outputs.push({ args, output: result.output });
		// Every command's output is kept next to the user folder for a look after a failure.
		const logFile = path.join(this.userFolder, '..', `n8n-${this.major}-logs`, `${String(this.outputs.length).padStart(2, '0')}-${args[0].replace(/[^a-z0-9]+/gi, '-')}.log`);
		fs.mkdirSync(path.dirname(logFile), { recursive: true });
		fs.writeFileSync(logFile, `$ n8n ${args.join(' ')}\n# exit ${result.code} signal ${result.signal} after ${result.ms} ms\n${result.output}`);
		return result;
	}

	/** Writes `value` as JSON into the user folder and returns the absolute path. */
	writeJson(name, value) {
		const file = path.join(this.userFolder, 'e2e-input', name);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	async importCredentials(credentials) {
		const file = this.writeJson('credentials.json', credentials);
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		fs.rmSync(file, { force: true });
		if (result.code !== 0) throw new Error(`import:credentials failed (${result.code}):\n${tail(result.output)}`);
		return result;
	}

	async importWorkflows(workflows) {
		const file = this.writeJson('workflows.json', workflows);
		const result = await this.cli(['import:workflow', `--input=${file}`]);
		if (result.code !== 0 || /An error occurred/.test(result.output)) {
			throw new Error(`import:workflow failed (${result.code}):\n${tail(result.output)}`);
		}
		return result;
	}

	/** Runs a stored workflow; resolves with { code, run, output, ms }. */
	async execute(workflowId) {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		return { ...result, run: parseRun(result.stdout) || parseRun(result.output) };
	}

	/** Makes a workflow active so `n8n start` registers its webhooks (2.x: publish, 1.x: active flag). */
	async activate(workflowId) {
		const args = this.major >= 2 ? ['publish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=true'];
		const result = await this.cli(args);
		if (result.code !== 0) throw new Error(`${args[0]} failed (${result.code}):\n${tail(result.output)}`);
		return result;
	}

	async startServer() {
		this.server = await startN8n({ major: this.major, env: this.env, port: this.port });
		return this.server;
	}

	async stopServer() {
		if (!this.server) return;
		const server = this.server;
		this.server = undefined;
		await server.stop();
		this.outputs.push({ args: ['start'], output: server.logs() });
		fs.writeFileSync(path.join(this.userFolder, '..', `n8n-${this.major}-logs`, 'server.log'), server.logs());
	}

	get baseUrl() {
		return `http://127.0.0.1:${this.port}`;
	}
}

function tail(text, chars = 3000) {
	return text.length > chars ? `...${text.slice(-chars)}` : text;
}

module.exports = {
	PACKAGE_NAME,
	N8nInstance,
	freePort,
	installCommunityPackage,
	parseRun,
	nodeOutput,
	nodeRan,
	queryDb,
	databaseFiles,
	request,
	tail,
};
