/**
 * How TCP grouped the bytes in a recorded run of the tcp-framing example's part (a): three small
 * frames written back to back. The course text quotes these numbers, so they are read from the
 * recording that the page shows, never written by hand.
 *
 * Input: the output of one recorded run. Output: the size of each read in which the server
 * received the three frames, and how many reads the client needed for the three replies.
 * Throws, naming what is missing, if the output does not have the lines the programs print.
 */
export interface FramingReads {
	/** The size of each server read until the third frame was complete, in order. */
	serverReads: number[];
	/** How many reads the client needed for the three replies. */
	clientReads: number;
}

const SERVER_READ = /^server: read (\d+) bytes in one chunk$/;
const THIRD_FRAME = /^server: frame #3 complete: /;
const CLIENT_READS = /^client: \(a\) the 3 replies came in (\d+) reads?$/m;

export function framingReads(output: string): FramingReads {
	const serverReads: number[] = [];
	let complete = false;
	for (const line of output.split('\n')) {
		const read = SERVER_READ.exec(line);
		if (read) serverReads.push(Number(read[1]));
		if (THIRD_FRAME.test(line)) {
			complete = true;
			break;
		}
	}
	if (!complete) throw new Error('the recorded tcp-framing run has no line "server: frame #3 complete"');
	const client = CLIENT_READS.exec(output);
	if (!client) throw new Error('the recorded tcp-framing run has no line "client: (a) the 3 replies came in N reads"');
	return { serverReads, clientReads: Number(client[1]) };
}

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "one read", "three reads", "12 reads". */
export const reads = (count: number): string => `${NUMBER_WORDS[count] ?? count} ${count === 1 ? 'read' : 'reads'}`;

/** What a run's reads were, in words: "the server got all 44 bytes in one read, and the client got the three replies in two reads". */
export function describeFramingReads({ serverReads, clientReads }: FramingReads): string {
	const total = serverReads.reduce((sum, size) => sum + size, 0);
	const server = serverReads.length === 1 ? `all ${total} bytes in one read` : `the ${total} bytes in ${reads(serverReads.length)} (${serverReads.join(' + ')} bytes)`;
	return `the server got ${server}, and the client got the three replies in ${reads(clientReads)}`;
}
