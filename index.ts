// The package's programmatic entry: the error core, usable without n8n. Exactly the names the
// README ("Use without n8n") and docs/error-core.md document, from the core barrel; nothing else.
// test/packaging/api.test.ts fails when this list changes and its report does not.

// Classification
export {
	CATALOG,
	classifyMetaError,
	lookupCatalog,
	parseRetryAfter,
	parseUsageHeaders,
	redactDeep,
	redactText,
} from './nodes/shared/core';

// The zod schemas of every input shape, and the output contract
export {
	adcpFailureSchema,
	asyncJobFailureSchema,
	graphErrorBodySchema,
	graphErrorSchema,
	internalFailureSchema,
	metaErrorInfoSchema,
	n8nErrorSchema,
	transportErrorSchema,
	whatsappFailedStatusSchema,
} from './nodes/shared/core';

// Replay records, Validate Before Sending, the Escalation Router's policy engine
export {
	buildReplayRecord,
	decide,
	decideAll,
	decideInPlace,
	DEFAULT_POLICY_CONFIG,
	loadPolicyState,
	prevalidate,
	readReplayRecord,
	recoveryRecord,
	replayRecordSchema,
	RULES,
	savePolicyState,
} from './nodes/shared/core';

export type {
	AnomalyRule,
	CatalogEntry,
	ClassifyContext,
	Decision,
	ErrorAction,
	ErrorCategory,
	ErrorMatch,
	ErrorSource,
	FailedItemFields,
	HeaderBag,
	MeasurementInput,
	MetaErrorInfo,
	MetaRequestStats,
	MetaUsage,
	PolicyConfig,
	PolicyInput,
	PolicyRule,
	PolicyState,
	PrevalidationProblem,
	PrevalidationRequest,
	PrevalidationRule,
	RecoveryRecord,
	ReplayBase,
	ReplayRecord,
	ReplaySource,
	Route,
	StopReason,
	Threshold,
} from './nodes/shared/core';
