// The Meta Graph API credential as plain, validated data: what nodes and the transport need,
// without n8n's untyped credential bag.
import type { FunctionsBase, ICredentialDataDecryptedObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { appSecretProof, credentialSecrets } from '../core/redact';

export const META_CREDENTIAL_NAME = 'metaGraphApi';
/**
 * The newest version both of Meta's version pages list without an end date (read 2026-12-06; see
 * core/health/apiVersions.ts): v24.0, the default before, ended on the Marketing API on 2026-11-10.
 */
export const DEFAULT_API_VERSION = 'v26.0';
export const DEFAULT_BASE_URL = 'https://graph.facebook.com';
export const API_VERSION_PATTERN = /^v\d+\.\d+$/;

/** The credential, validated; fields match the transport's `MetaClientOptions`. */
export interface MetaCredentialConfig {
	accessToken: string;
	appSecret?: string;
	/** e.g. `v24.0`. */
	apiVersion: string;
	/** Without a trailing slash; may carry a path prefix (proxies). */
	baseUrl: string;
	/** The values to redact from anything shown: token, app secret, and the proof derived from them. */
	secrets: string[];
}

// Empty strings mean "not set", so a cleared field falls back to its default.
const blankToUndefined = (value: unknown) =>
	typeof value === 'string' && value.trim() === '' ? undefined : value;

const credentialSchema = z.object({
	accessToken: z.preprocess(
		blankToUndefined,
		z
			.string({ error: 'Access Token is empty: paste a Meta access token into the credential' })
			.trim(),
	),
	appSecret: z.preprocess(
		blankToUndefined,
		z.string({ error: 'App Secret must be text' }).trim().optional(),
	),
	apiVersion: z.preprocess(
		blankToUndefined,
		z
			.string({ error: 'API Version must be text such as v24.0' })
			.trim()
			.regex(API_VERSION_PATTERN, 'API Version must look like v24.0 ("v", major, dot, minor)')
			.default(DEFAULT_API_VERSION),
	),
	baseUrl: z.preprocess(
		blankToUndefined,
		z
			.url({
				protocol: /^https?$/,
				error: 'Base URL must be an http(s) URL such as https://graph.facebook.com',
			})
			.trim()
			.default(DEFAULT_BASE_URL)
			.transform((url) => url.replace(/\/+$/, '')),
	),
});

/**
 * Validates raw credential data (as n8n decrypts it). Throws an `Error` whose message says which
 * field is wrong and how to fix it; the message never contains a secret.
 */
export function parseMetaCredential(raw: unknown): MetaCredentialConfig {
	const parsed = credentialSchema.safeParse(raw ?? {});
	if (!parsed.success) {
		throw new Error(
			`Meta Graph API credential: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
		);
	}
	const { accessToken, appSecret, apiVersion, baseUrl } = parsed.data;
	const secrets = credentialSecrets({ accessToken, appSecret });
	return { accessToken, apiVersion, baseUrl, secrets, ...(appSecret ? { appSecret } : {}) };
}

/** What every Graph request carries: the bearer header and, with an app secret, `appsecret_proof`. */
export function metaAuthParts(config: Pick<MetaCredentialConfig, 'accessToken' | 'appSecret'>): {
	headers: { Authorization: string };
	query: { appsecret_proof?: string };
} {
	return {
		headers: { Authorization: `Bearer ${config.accessToken}` },
		query: config.appSecret
			? { appsecret_proof: appSecretProof(config.accessToken, config.appSecret) }
			: {},
	};
}

/**
 * Reads and validates the node's `metaGraphApi` credential (a node's run, or a trigger's webhook);
 * a bad one becomes a NodeOperationError.
 */
export async function getMetaCredential(
	ctx: Pick<FunctionsBase, 'getNode' | 'getCredentials'>,
	itemIndex = 0,
): Promise<MetaCredentialConfig> {
	const raw: ICredentialDataDecryptedObject = await ctx.getCredentials(
		META_CREDENTIAL_NAME,
		itemIndex,
	);
	try {
		return parseMetaCredential(raw);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			description: 'Open the Meta Graph API credential, correct the field named above and save it.',
		});
	}
}
