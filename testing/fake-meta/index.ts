/**
 * A fake Meta Graph API server that behaves like Meta, for tests, the e2e run, the demo and the
 * benchmarks. Real HTTP (Node's `http`) on 127.0.0.1, a free port unless `port` is given.
 *
 * ```ts
 * const fake = await startFakeMeta({ budget: { calls: 100, windowMs: 10_000, penaltyMs: 2_000 } });
 * fake.seedObjects([{ name: 'Ad 1', status: 'ACTIVE' }], { parent: 'act_1', edge: 'ads' });
 * fake.addFault({ match: { method: 'POST' }, times: 1, fault: { type: 'reset', when: 'after' } });
 * // ... point the client at `${fake.url}/v24.0/...` with `Authorization: Bearer ${fake.token}`
 * expect(fake.duplicateWrites()).toEqual([]);
 * await fake.close();
 * ```
 *
 * In a jest file, `useFakeMeta(options)` (./use.ts) starts one server for the file or describe()
 * block, resets it after each test and closes it (and Meta Request's connection pools) at the end:
 * `const fake = useFakeMeta({ token }); ... fake.url`.
 *
 * ## Requests
 * - Paths: `/vNN.N/...` or no version. `/me`, `/{id}` (GET object; POST updates fields →
 *   `{success:true}`; DELETE → `{success:true}`), `/{id}/{edge}` (GET → cursor-paged list; POST
 *   creates an object → `{id}`), `/act_{n}/ads|adsets|campaigns|...` (ad accounts exist when named;
 *   created ads/ad sets also appear on their `adset_id` / `campaign_id` parent's edge),
 *   `/{phone_number_id}/messages` (WhatsApp send → `{messaging_product, contacts, messages:[{id}]}`).
 *   An unknown object → 400, code 100, subcode 33, GraphMethodException ("Unsupported get request.
 *   Object with ID 'x' does not exist, ..."). Writes are applied: read the state back over HTTP
 *   or with `getObject(id)`. Without `fields` a GET returns every field; with `fields`, `id` plus
 *   the fields asked for. Bodies: JSON or form-encoded (form values that look like JSON are JSON).
 * - Auth: the token as `Authorization: Bearer|OAuth <token>`, or `access_token` in query or body.
 *   Missing → 400 code 104 ("An access token is required to request this resource.", as Meta
 *   answers); wrong → 400 code 190 OAuthException with a `WWW-Authenticate` header. With
 *   `appSecret`, `appsecret_proof` (HMAC-SHA256 of the token with the app secret, hex) is required:
 *   missing or wrong → 400 code 100 GraphMethodException ("Invalid appsecret_proof provided in the
 *   API argument").
 * - Pagination: `limit` (default 25), `after` / `before` cursors. Order is by id (numeric ids:
 *   shorter first, then lexical) and the cursor is the last id read, so objects added or deleted
 *   between page reads are never skipped or repeated. `paging.next` / `previous` are absolute
 *   URLs on this server that echo the request's query, `access_token` included when it came in
 *   the query (as Meta does: clients must redact it).
 * - Errors: Meta's shape `{error:{message,type,code,error_subcode?,is_transient?,
 *   error_user_title?,error_user_msg?,error_data?,fbtrace_id}}` with Meta's statuses (rate limits
 *   400/403 for 4/17/32/613/80004, 429 for WhatsApp 130429/131056; 500 for 1/2 with is_transient;
 *   503 for 131016). Optional fields are left out when Meta leaves them out.
 * - Every answer carries `X-App-Usage`, `X-Business-Use-Case-Usage` (keyed by `businessId`), on
 *   `act_` paths `X-Ad-Account-Usage`, plus `x-fb-trace-id`, `x-fb-request-id`,
 *   `facebook-api-version` (the HTML 502 fault excepted: it comes from a proxy).
 *
 * ## Budget (`budget` option, `setBudget`)
 * `calls` per rolling `windowMs`, utilisation (0–100 %) in all usage headers. When exhausted:
 * the style's error (`buc` 80004, `app` 4, `adAccount` 17; or `code`), blocked until the oldest
 * call leaves the window; every call while blocked extends the block by `penaltyMs`. The headers
 * then give `estimated_time_to_regain_access` (minutes, rounded up) and, on act_ paths,
 * `reset_time_duration` (seconds); `retryAfterHeader: true` adds `Retry-After` (seconds). Refused
 * calls do not count; auth failures are answered before the budget is charged.
 *
 * ## Faults (`addFault(rule)`, `clearFaults()`, `faults` option, `chaosFaults()` preset)
 * A rule: `{ match?: {method?, path?: string | RegExp, writes?}, times?, probability?, every?,
 * fault }` (`fault` may be a list to pick from at random). First rule that fires wins; randomness
 * comes from the seeded PRNG. Faults: `graphError` (Meta body, defaults per code), `status`,
 * `html502`, `reset` `before` (nothing applied, TCP reset), `reset` `after` (applied; headers and
 * half the body, then a reset), `stall` (applied; answered after `ms` if the client still waits),
 * `truncated` (applied; 200 whose content-length exceeds the bytes sent, then the connection
 * closes).
 *
 * ## Writes and duplicates
 * `writes` lists every applied write (POST/DELETE that changed state) with its `Idempotency-Key`
 * and a fingerprint (method, version-less path, parameters in any order, secrets excluded). The
 * server does not deduplicate (Meta ignores the header): `duplicateWrites()` reports the key
 * groups applied more than once, and, for writes without a key, identical fingerprints since the
 * last `reset()` (a test that repeats an identical keyless write on purpose will see it listed).
 *
 * ## Async jobs
 * `createAsyncJob({kind, total, failIndices, failWith, completeAfterPolls | completeAfterMs,
 * outcome})` returns the id; each status GET is a poll. Over HTTP:
 * - `POST /act_{n}/async_batch_requests` (`adbatch`, `name`) → `{id}`; `GET /{id}` → the set
 *   (`is_completed`, `*_count`); `GET /{id}/requests` → paged `{id, status, result, input}`
 *   (`statuses` filter; `result` is `{id}` or a Graph error body).
 * - `POST /act_{n}/insights` → `{report_run_id}`; `GET /{id}` → `async_status` ("Job Not Started"
 *   below 10 %, "Job Started" below 50 %, "Job Running", then "Job Completed" / "Job Failed" /
 *   "Job Skipped") and `async_percent_completion`; `GET /{id}/insights` → paged rows (`total`,
 *   default 5) once "Job Completed", a code 100 error before.
 * - async sessions: `GET /{id}` → `{id, status:'IN_PROGRESS'}`, `{id, status:'SUCCESS', result}`,
 *   or `{result:{error}, error_code, status:'FAILED', exception, id}`.
 * - custom: `POST /v1/launch` (`{ads:[...]}`) → `{success, adBatchId}`; `GET /v1/batch-status/{id}`
 *   → `{id, status: processing|completed|partial|failed, progress, totalAds, successfulAds,
 *   errorMessage?, errors:[{index, adId, code, message}]}`; its errors use the internal shape
 *   `{success:false, message, requestId}`.
 * Progress is the share of `completeAfterPolls` polls made (default 2) or of `completeAfterMs`
 * elapsed; items finish in index order. `getJob(id)` tells polls made, and when the job became
 * done (`completedAt`, `completedAtPoll`) to measure a poller's detection delay.
 * Jobs created over HTTP follow `jobDefaults` / `setJobDefaults()`.
 *
 * ## Admin (`/__admin/...`, no auth, not logged)
 * GET `requests?limit=`, `stats`, `writes`, `duplicates`, `jobs/{id}`, `objects/{id}`;
 * POST `faults` (rule, list, or `{preset:'chaos', rate, stallMs}`; `match.pathRegex` for a RegExp),
 * DELETE `faults`, POST `reset`, `budget` (options or null), `jobs`, `job-defaults`,
 * `seed` (`{objects, parent?, edge?}`).
 *
 * ## Memory
 * Requests and writes logs keep the last `logLimit` entries (default 20,000); counters and the
 * duplicate index are complete and grow only with distinct writes.
 */

export { startFakeMeta, FAKE_META_TOKEN, ME_ID } from './server';
export { useFakeMeta } from './use';
export type { UseFakeMetaOptions } from './use';
export type { FakeMeta, FakeMetaOptions, JobDefaults, SeedOptions } from './server';
export type { BudgetOptions, BudgetStyle } from './budget';
export { APPLY_THEN_FAIL, chaosFaults, gatewayPage } from './faults';
export type { AnswerFault, ChaosOptions, Fault, FaultMatch, FaultRule } from './faults';
export type { AsyncJobOptions, JobKind, JobOutcome, JobSummary } from './jobs';
export type { DuplicateWrite, FakeMetaStats, RequestRecord, WriteRecord } from './log';
export type { GraphErrorBody, GraphErrorSpec } from './errors';
export type { GraphObject } from './store';
export { appSecretProof } from './util';
export { ruleFromJson } from './admin';
