// @ts-check
/**
 * Check of "A method that checks its params" (Node.js): starts server.js and calls repeat with
 * right params (by position and by name) and with wrong ones, one request per connection, and
 * compares each reply with the one JSON-RPC 2.0 asks for.
 */
import { isDeepStrictEqual } from 'node:util';
import { indent } from '../../check.js';

/** [params as sent (undefined: no params member), the result (undefined: Invalid params), why] */
/** @type {[string | undefined, string | undefined, string][]} */
const CASES = [
	['["ab",3]', 'ababab', 'params by position'],
	['{"count":2,"text":"xy"}', 'xyxy', 'params by name, in another order'],
	['["ab",0]', '', 'zero copies'],
	['["-",100]', '-'.repeat(100), 'the largest count allowed'],
	['["ab",101]', undefined, 'count is over 100'],
	['["ab",-1]', undefined, 'count is negative'],
	['["ab",2.5]', undefined, 'count is not a whole number'],
	['["ab","3"]', undefined, 'count is a string'],
	['[3,"ab"]', undefined, 'the arguments are in the wrong order'],
	['["ab"]', undefined, 'count is missing'],
	['["ab",3,4]', undefined, 'there is one argument too many'],
	['{"text":"ab","times":3}', undefined, 'a name is wrong: "times" instead of "count"'],
	[undefined, undefined, 'there are no params at all'],
];

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.start('server.js', ['--port', '0']);
	try {
		for (const [i, [params, result, why]] of CASES.entries()) {
			const id = i + 1;
			const request = `{"jsonrpc":"2.0","method":"repeat",${params === undefined ? '' : `"params":${params},`}"id":${id}}`;
			const expected =
				result === undefined ? { jsonrpc: '2.0', error: { code: -32602, message: 'Invalid params' }, id } : { jsonrpc: '2.0', result, id };
			const printedBefore = server.output.stdout.length;
			const { received } = await t.exchange(server.port, [`${request}\n`], { untilLines: 1 });
			const line = received.toString('utf8').split('\n')[0] ?? '';
			let reply;
			try {
				reply = JSON.parse(line);
			} catch {
				reply = undefined;
			}
			if (!isDeepStrictEqual(reply, expected)) {
				t.fail(
					[
						`Sent (${why}):`,
						`  ${request}`,
						`Expected back:`,
						`  ${JSON.stringify(expected)}`,
						`Got back:`,
						`  ${line || '(nothing)'}`,
						`The server printed:\n${indent(server.output.stdout.slice(printedBefore) + server.output.stderr) || '  (nothing)'}`,
					].join('\n')
				);
			}
		}
	} finally {
		await server.stop();
	}
}
