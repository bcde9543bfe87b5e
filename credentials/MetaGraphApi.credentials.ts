import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	DEFAULT_API_VERSION,
	DEFAULT_BASE_URL,
	metaAuthParts,
	parseMetaCredential,
} from '../nodes/shared/n8n/credential';

export class MetaGraphApi implements ICredentialType {
	name = 'metaGraphApi';

	displayName = 'Meta Graph API';

	icon: Icon = 'file:meta.svg';

	// A community credential links to a full URL; this rule expects an n8n-docs slug.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://developers.facebook.com/docs/facebook-login/guides/access-tokens';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A Meta access token (Page, User or System User). A System User token from Business Settings does not expire.',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. When set, every request carries appsecret_proof (HMAC-SHA256 of the token keyed with this secret), as apps with "Require App Secret" need.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: DEFAULT_API_VERSION,
			placeholder: 'e.g. v24.0',
			description: 'Graph API version used for paths without one, written like v24.0',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			placeholder: 'e.g. https://graph.facebook.com',
			description: 'Change only to go through a proxy or a test server. The token is sent to this host only.',
		},
	];

	// A function rather than a generic header so that the optional appsecret_proof can be derived.
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const { headers, query } = metaAuthParts(parseMetaCredential(credentials));
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, ...headers },
			qs: { ...requestOptions.qs, ...query },
		};
	};

	// n8n shows only a rule's message or the HTTP status text for a failed test, never the body,
	// so each status Meta uses for a bad credential gets a message that says what to fix.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '=/{{$credentials.apiVersion}}/me',
			qs: { fields: 'id,name' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 400,
					message:
						'Meta rejected the request (HTTP 400). Usually the access token is invalid, expired or revoked (error 190): generate a new one (a System User token does not expire). If an App Secret is set, check it belongs to the token\'s app; check the API Version is still supported.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Meta did not accept the access token (HTTP 401): paste a valid token.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The token was refused access to /me (HTTP 403, a permission error): check the token\'s permissions, or the proxy in front of Base URL.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Nothing answered at Base URL + API Version + /me (HTTP 404): check Base URL (e.g. https://graph.facebook.com) and API Version (e.g. v24.0).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 429,
					message:
						'Meta is rate-limiting this token or app (HTTP 429): the token may be fine; wait a few minutes and test again.',
				},
			},
		],
	};
}
