/**
 * n8n-side helpers shared by the nodes of this package (the core stays free of n8n imports).
 *
 * - credential: `getMetaCredential(ctx, itemIndex?)` → validated `MetaCredentialConfig`
 *   (`accessToken`, `appSecret?`, `apiVersion`, `baseUrl`, `secrets` to redact) or a
 *   NodeOperationError; `parseMetaCredential(raw)` (plain Error, no n8n context);
 *   `metaAuthParts(config)` → bearer header + `appsecret_proof` query; the defaults and names.
 * - items: `outputItem(json, itemIndex, source?)`, `annotateItem(source, itemIndex, fields)`
 *   (pairedItem set, binary kept, `item.error` never copied); `getPath(value, 'a.b[0].c')`;
 *   `redactOutputs(outputs, redactor)`, every node's last step.
 * - parameters: `parseParameters(node, zodSchema, value, {labels, itemIndex})` → parsed value or a
 *   NodeOperationError "Invalid parameter — <Label>: <problem>"; `formatZodIssues(error, labels)`.
 * - categoryOptions: one option per error category (labels from the core).
 * - summary: `summarizeMetaError(info)` → one line for alerts.
 */
export * from './credential';
export * from './items';
export * from './categoryOptions';
export * from './parameters';
export * from './summary';
export * from './state';
