/**
 * Functions whose inclusive CPU time the profile scenario reports, found by function name and
 * a piece of their script's URL. The last group names this package's own code: when product
 * functions or files are renamed, this list is the one place to follow them.
 */
import type { Probe } from './cpu-profile';

const N8N_AND_NODE: Probe[] = [
	{
		label: 'n8n-core httpRequestWithAuthentication (sync parts)',
		functionName: 'httpRequestWithAuthentication',
		urlIncludes: 'request-helpers/authentication',
	},
	{
		label: 'n8n-core _getCredentials (per request)',
		functionName: '_getCredentials',
		urlIncludes: 'n8n-core',
	},
	{
		label: 'harness getDecrypted (credential store + defaults)',
		functionName: 'getDecrypted',
		urlIncludes: 'credentials-helper',
	},
	{
		label: 'backend-network httpRequest (sync parts)',
		functionName: 'httpRequest',
		urlIncludes: 'backend-network/dist/http/axios/request',
	},
	{
		label: 'backend-network convertN8nRequestToAxios',
		functionName: 'convertN8nRequestToAxios',
		urlIncludes: 'backend-network',
	},
	{
		label: 'backend-network buildNodeAgents (new agents per request)',
		functionName: 'buildNodeAgents',
		urlIncludes: 'backend-network',
	},
	{ label: 'axios Axios.request / _request', functionName: '_request', urlIncludes: 'axios' },
	{ label: 'axios http adapter', functionName: 'httpAdapter', urlIncludes: 'axios' },
	{ label: 'axios dispatchHttpRequest', functionName: 'dispatchHttpRequest', urlIncludes: 'axios' },
	{
		label: 'node ClientRequest constructor',
		functionName: 'ClientRequest',
		urlIncludes: 'node:_http_client',
	},
	{ label: 'node net connect', functionName: 'connect', urlIncludes: 'node:net' },
	{
		label: 'n8n-workflow getParameterValue (expressions)',
		functionName: 'getParameterValue',
		urlIncludes: 'n8n-workflow',
	},
];

/** This package's functions, in its compiled dist/. */
const PACKAGE: Probe[] = [
	{
		label: 'credential authenticate() (dist)',
		functionName: 'authenticate',
		urlIncludes: 'dist/credentials',
	},
	{
		label: 'node runOperation() (dist)',
		functionName: 'runOperation',
		urlIncludes: 'dist/nodes/OneFlow/helpers/run',
	},
	{
		label: 'node readDocId (dist)',
		functionName: 'readDocId',
		urlIncludes: 'dist/nodes/OneFlow/actions/document/common',
	},
	{
		label: 'node settleAll/worker (dist)',
		functionName: 'worker',
		urlIncludes: 'dist/nodes/OneFlow/helpers/loop',
	},
	{ label: 'node send (dist)', functionName: 'send', urlIncludes: 'dist/nodes/OneFlow/transport' },
	{ label: 'node readAnswer (dist)', functionName: 'readAnswer', urlIncludes: 'dist/nodes' },
];

export const PROBES: Probe[] = [...N8N_AND_NODE, ...PACKAGE];
