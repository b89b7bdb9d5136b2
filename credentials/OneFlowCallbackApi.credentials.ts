import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * The Webhook Signing Secret set in 1Flow (Organization Settings > Webhooks), with which the
 * 1Flow Trigger verifies that a callback comes from 1Flow. 1Flow has no API to check it
 * against, so the 1Flow Trigger node tests it (credentialTest) for form only.
 */
export class OneFlowCallbackApi implements ICredentialType {
	name = 'oneFlowCallbackApi';

	displayName = '1Flow Callback Signing API';

	icon: Icon = { light: 'file:../icons/oneflow.svg', dark: 'file:../icons/oneflow.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-1flow';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The Webhook Signing Secret from 1Flow (Organization Settings > Webhooks). It is not the webhook secret of the 1Flow API credential.',
		},
	];
}
