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
 *   `GET /act_{n}/ads|adsets|campaigns?effective_status=["DISAPPROVED",…]` lists only objects in
 *   those statuses (a JSON list, or comma-separated). `GET /debug_token?input_token=…` answers
 *   `{data: {is_valid, expires_at, data_access_expires_at, scopes, …}}` for the server's token
 *   (`setTokenInfo` changes it; expiry 0 = never) and `is_valid: false` with error 190 for any
 *   other, as Meta's debug_token reference shows. Ad accounts, ads, WhatsApp phone numbers and
 *   pixels carry the fields a test seeds (`account_status`, `quality_rating`, `last_fired_time`, …).
 *   `seedInsights({ account, adsets, days, jump })` serves `GET /act_{n}/insights?level=adset`
 *   (`time_increment=1`: one row per ad set and day) with one ad set's spend jumping (insights.ts).
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
 * ## Limit models (`budget: { model, timeScale?, ... }`, same `setBudget` / admin / `--budget`)
 * Instead of the window above, one of Meta's real limits (limits.ts; no `model` or
 * `model: 'window'` keeps the window). `timeScale` (default 1) divides every duration of the
 * model; headers give wall-time durations at that scale. Refused calls are not counted.
 * - `marketingScore`: per ad account (`act_<id>` first in the path, else `defaultAccount`
 *   `act_0`): GET 1 point, POST/DELETE 3; the score drains linearly, a full score in 300 s
 *   (leaky bucket); a call that would pass the tier's maximum (`tier` `development` 60,
 *   `standard` 9000; or `maxScore`) is refused and blocks the account for 300 s / 60 s
 *   (`blockMs`): code 17 subcode 2446079, or `errorCode: 613` (subcode 1487742). Every response
 *   carries `X-Ad-Account-Usage` {acc_id_util_pct, reset_time_duration (s until the score is 0 or
 *   the block ends), ads_api_access_tier development_access | standard_access}.
 * - `bucHour`: a rolling hour (`windowMs`) per business (`businessId`, `accountBusinesses`) and
 *   type: `ads_insights` for paths with an `insights` segment, else `ads_management`; limits
 *   `insightsCalls` (600) and `managementCalls` (300); blocked → 80000 / 80004, subcode 2446079,
 *   HTTP 400. `X-Business-Use-Case-Usage` lists both types (call_count = total_cputime =
 *   total_time = % of the limit, `estimated_time_to_regain_access` minutes once blocked, else 0).
 * - `whatsapp`: `POST /{phone-number-id}/messages` only: `messagesPerSecond` (80) per number in
 *   any rolling second → 130429; one message per `pairIntervalMs` (6 s) per recipient `to` →
 *   131056 (HTTP status of both: the catalog's 429, or `status`).
 * `theoreticalMinimumMs(model, calls)` gives each model's least wall time for a call mix.
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
 *   (`statuses` filter; `result` is `{id}` or a Graph error body); `itemStatuses` gives some
 *   requests another AdAsyncRequest status (ERROR_DEPENDENCY, ERROR_CONFLICTS, USER_CANCELED, …,
 *   as the business SDKs list them), counted as errors or cancels by the set.
 * - `POST /act_{n}/insights` → `{report_run_id}`; `GET /{id}` → `async_status` ("Job Not Started"
 *   below 10 %, "Job Started" below 50 %, "Job Running", then "Job Completed" / "Job Failed" /
 *   "Job Skipped") and `async_percent_completion`, a failed run with `error_code`,
 *   `error_message`, `error_subcode`, `error_user_title`, `error_user_msg` (the SDKs' AdReportRun);
 *   `GET /{id}/insights` → paged rows (`total`, default 5) once "Job Completed", a code 100 error
 *   before.
 * - async sessions: `GET /{id}?fields=id,status,result,percent_completed` → NOT_STARTED,
 *   IN_PROGRESS, then COMPLETED with `result` as JSON text (`{copied_ad_id, success}`), FAILED
 *   (`result: {error}`, `error_code`, `exception`, as Meta's async error-handling guide) or CANCELED.
 * - custom: `POST /v1/launch` (`{ads:[...]}`) → `{success, adBatchId}`; `GET /v1/batch-status/{id}`
 *   → `{id, status: processing|completed|partial|failed, progress, totalAds, successfulAds,
 *   errorMessage?, errors:[{index, adId, code, message}]}`; its errors use the internal shape
 *   `{success:false, message, requestId}`.
 * - Instagram containers (`ig_container`): `POST /{ig-user-id}/media` (`image_url` or `video_url`;
 *   the IG user is a seeded object) → `{id}`; `GET /{id}?fields=status_code,status` → IN_PROGRESS,
 *   then FINISHED, ERROR (`status` names a 2207xxx subcode; over HTTP: the media URL's subcode in
 *   `containerErrors`) or EXPIRED (`outcome: 'expired'`). `POST /{ig-user-id}/media_publish`
 *   (`creation_id`) publishes a FINISHED container once → `{id}` of a media on the user's `media`
 *   edge (the container then reads PUBLISHED); any other container → 9007 / 2207027 "Media ID is
 *   not available".
 * - videos (`video`): `GET /{id}?fields=status` → `status.video_status` processing (with
 *   `processing_progress`), then ready, error (`processing_phase.errors`) or expired; `reel`: the
 *   publishing phase runs one poll after ready; `videoProblem`: `copyright`
 *   (`copyright_check_status.status: error`) or `unfinished_upload` (stays `upload_complete`).
 * - catalog batches: `POST /{catalog_id}/items_batch` (`requests`) → `{handles:[h]}`;
 *   `GET /{catalog_id}/check_batch_request_status?handle=h` → `{data: []}` on the first poll, then
 *   `{data:[{handle, status: in_progress | finished | error, errors, warnings, *_total_count,
 *   ids_of_invalid_requests?}]}`, entries `{line, id (retailer id), message}`; `errors` is a sample
 *   (`errorSample`, default 10), `ids_of_invalid_requests` only with
 *   `load_ids_of_invalid_requests=true` (Meta's reference for the edge); a product without a
 *   `price` is rejected, as are `failIndices`; `warnIndices` get a warning; `outcome: 'failed'`
 *   ends `error` with the second half of the requests unprocessed.
 * Progress is the share of `completeAfterPolls` polls made (default 2) or of `completeAfterMs`
 * elapsed; items finish in index order. `getJob(id)` tells polls made, and when the job became
 * done (`completedAt`, `completedAtPoll`) to measure a poller's detection delay.
 * Jobs created over HTTP follow `jobDefaults` / `setJobDefaults()`.
 *
 * ## Graph batch
 * `POST /{version}/` with `batch` (a list, or its JSON text as a form field carries it) of up to 50
 * `{method, relative_url, body?}` (body form-encoded) → 200 with one part per sub-request,
 * `{code, headers: [{name, value}], body: "<JSON text>"}` (`include_headers=false`: no headers).
 * Each sub-request runs through the routes as a request of its own: the call's token, the budget
 * (one call each), faults matched on its own method and path, the request log (`batch: {seq,
 * index}`, the call's seq) and the write log. An answer fault becomes the part; a fault that
 * breaks the connection becomes a null part (reset before: not applied; reset after, stall,
 * truncated: applied). More than 50: code 100 (`GraphBatchException`), nothing applied. Faults
 * on the call itself (path `/`) apply to the whole call, as to any request.
 *
 * ## Conversions API
 * `POST /{pixel_id}/events` (`data`) → `{events_received, messages, fbtrace_id}`; a request with
 * an invalid event (no event_name, event_time older than 7 days or in the future, no
 * action_source, empty user_data) is refused whole with code 100 and `error_user_msg`
 * `events[i]: …`; `conversionEvents(pixel)` counts them by (event_name, event_id), with duplicates.
 *
 * ## Admin (`/__admin/...`, no auth, not logged)
 * GET `requests?limit=`, `stats`, `writes`, `duplicates`, `jobs/{id}`, `objects/{id}`;
 * POST `faults` (rule, list, or `{preset:'chaos', rate, stallMs}`; `match.pathRegex` for a RegExp),
 * DELETE `faults`, POST `reset`, `budget` (window or limit-model options, or null), `jobs`, `job-defaults`,
 * `seed` (`{objects, parent?, edge?}`).
 *
 * ## Memory
 * Requests and writes logs keep the last `logLimit` entries (default 20,000); counters and the
 * duplicate index are complete and grow only with distinct writes.
 */

export { startFakeMeta, FAKE_META_TOKEN, ME_ID } from './server';
export { useFakeMeta } from './use';
export type { UseFakeMetaOptions } from './use';
export type { FakeMeta, FakeMetaOptions, JobDefaults, SeedOptions, TokenInfo } from './server';
export type { BudgetOptions, BudgetStyle } from './budget';
export { bucHourMinimumMs, createLimitModel, LIMIT_MODELS, marketingScoreMinimumMs, theoreticalMinimumMs, whatsAppMinimumMs } from './limits';
export type { AnyBudgetOptions, BucHourOptions, BucType, CallMix, LimitCall, LimitModel, LimitModelName, LimitOptions, MarketingScoreOptions, MarketingTier, WhatsAppLimitOptions } from './limits';
export { APPLY_THEN_FAIL, chaosFaults, gatewayPage } from './faults';
export type { AnswerFault, ChaosOptions, Fault, FaultMatch, FaultRule } from './faults';
export type { AsyncJobOptions, JobKind, JobOutcome, JobSummary } from './jobs';
export type { InsightsOptions } from './insights';
export type { DuplicateWrite, FakeMetaStats, RequestRecord, WriteRecord } from './log';
export type { GraphErrorBody, GraphErrorSpec } from './errors';
export type { GraphObject } from './graphObjects';
export { appSecretProof } from './fakeUtil';
export { ruleFromJson } from './admin';
