/** The environment of one isolated n8n process. */
import { homedir } from 'node:os';

import type { N8nMajor } from './install';

interface N8nEnvOptions {
	major: N8nMajor;
	/** Becomes N8N_USER_FOLDER: n8n keeps its data in `<userFolder>/.n8n`. */
	userFolder: string;
	/** Ports must differ between n8n processes running at the same time. */
	port: number;
	brokerPort: number;
}

/** Its own user folder, loopback only, no telemetry, banners, templates or update checks. */
export function n8nEnv({ major, userFolder, port, brokerPort }: N8nEnvOptions): NodeJS.ProcessEnv {
	const env = { ...process.env };
	// Variables of an outer n8n or of the caller's shell must not leak into this instance; nor
	// jest's NODE_ENV=test, with which n8n's CLI commands exit 0 without doing anything.
	for (const key of Object.keys(env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|WEBHOOK_URL$|NODE_ENV$)/.test(key))
			delete env[key];
	}
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		HOME: env.HOME || homedir(),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
		// No outbound calls: telemetry, version checks, templates, banners, personalization.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		// Community packages from <userFolder>/.n8n/nodes; nothing fetched from the registry.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// Plain http on the loopback interface.
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_LEVEL: 'info',
		NO_COLOR: '1',
		GENERIC_TIMEZONE: 'UTC',
		// 2.x fetches a list of MCP servers from api.n8n.io at start (a failing, logged request here).
		...(major >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
	};
}
