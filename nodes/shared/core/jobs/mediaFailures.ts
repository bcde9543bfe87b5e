// Instagram media containers and videos that will not be published: the error subcodes of a
// container, a container that expired, the errors of a video's phases and copyright check, as hints
// for the classifier (what Meta's status says that the error body alone does not).
import type { ErrorAction } from '../types';
import { compact, getPath, isObject } from '../util';
import type { FailureHint, JobStatus } from './jobModel';
import { internalFailure, list, num, str } from './jobValues';

/** Instagram publishing subcodes a container's ERROR may carry, and what they mean. */
const CONTAINER_SUBCODES: Readonly<Record<number, { category: 'server' | 'validation'; meaning: string }>> = {
	2207001: { category: 'server', meaning: 'Instagram had a server error while processing the media.' },
	2207003: { category: 'server', meaning: 'Instagram took too long to download the media from its URL.' },
	2207004: { category: 'validation', meaning: 'The image is too large for Instagram to download.' },
	2207005: { category: 'validation', meaning: 'Instagram does not support this media format.' },
	2207009: { category: 'validation', meaning: 'Instagram does not support the aspect ratio of this media.' },
	2207026: { category: 'validation', meaning: 'Instagram does not support this video format.' },
};

/** A container that ended in ERROR: its `status` text (or number) is the error subcode, when it has one. */
export function containerError(status: string | undefined): FailureHint {
	const subcode = num(status) ?? num(/\b(2207\d{3})\b/.exec(status ?? '')?.[1]);
	const known = subcode === undefined ? undefined : CONTAINER_SUBCODES[subcode];
	const category = known?.category ?? 'validation';
	const action: ErrorAction = category === 'server' ? 'retry' : 'dead_letter';
	return {
		always: compact({
			category,
			retryable: category === 'server',
			action,
			source: 'async_job' as const,
			code: 'IG_CONTAINER_ERROR',
			subcode,
			message: `The Instagram media container ended in ERROR${status ? `: ${status}` : ''}.`,
			meaning: known?.meaning ?? 'Instagram could not process the media of this container, so it cannot be published.',
			remedy:
				category === 'server'
					? 'Create a new container with the same media and follow it again; publish it with media_publish once it is FINISHED.'
					: 'Check the media (format, size, aspect ratio, a URL Instagram can download), create a new container and follow it again.',
		}),
	};
}

export const CONTAINER_EXPIRED: FailureHint = {
	always: {
		category: 'validation',
		retryable: false,
		action: 'dead_letter',
		source: 'async_job',
		code: 'IG_CONTAINER_EXPIRED',
		message: 'The Instagram media container EXPIRED: it was not published within 24 hours of its creation.',
		meaning: 'A container can only be published within 24 hours; this one can no longer be published.',
		remedy: 'Create a new container with the same media and publish it with media_publish as soon as it is FINISHED.',
	},
};

/** The errors Meta lists in a video's upload, processing and publishing phases. */
function videoErrors(status: Record<string, unknown>): Array<Record<string, unknown>> {
	return ['uploading_phase', 'processing_phase', 'publishing_phase'].flatMap((phase) =>
		list(getPath(status, `${phase}.errors`)).filter(isObject),
	);
}

const VIDEO_FAILURES = {
	error: { fallback: 'The video ended with video_status "error".', meaning: 'Meta could not process this video.' },
	expired: { fallback: 'The video upload expired before it was finished.', meaning: 'The upload session ended before the whole video arrived.' },
	copyright: { fallback: 'The copyright check of the video ended in error.', meaning: 'Meta\'s copyright check of this video failed, so it will not be published.' },
	publishing: { fallback: 'Publishing the video failed.', meaning: 'The video was processed but Meta could not publish it.' },
} as const;

/** A video that will not become ready or published: classified from its first phase error. */
export function videoFailure(status: Record<string, unknown>, videoStatus: string, progress: number | undefined, why: keyof typeof VIDEO_FAILURES): JobStatus {
	const errors = [...videoErrors(status), ...list(getPath(status, 'copyright_check_status.errors')).filter(isObject)];
	const messages = errors.map((e) => str(e.message)).filter((m): m is string => m !== undefined);
	const first = errors[0];
	const { fallback, meaning } = VIDEO_FAILURES[why];
	const failure = first ? { error: compact({ message: str(first.message), code: num(first.code), error_subcode: num(first.error_subcode) }) } : internalFailure(fallback);
	const hint: FailureHint = {
		ifUnknown: {
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			source: 'async_job',
			meaning,
			remedy:
				why === 'copyright'
					? 'Check that you own the rights to every part of the video (music included), then upload it again.'
					: 'Check the file against Meta\'s video specifications (format, codec, size, length), then upload it again.',
		},
		...(messages.length > 1 ? { always: { details: messages.join('\n') } } : {}),
	};
	return compact({ state: 'failed', progress, status: why === 'copyright' || why === 'publishing' ? `${videoStatus} (${why} error)` : videoStatus, failure, hint });
}
