/**
 * The site-wide policy as an nginx snippet. nginx refuses a single directive parameter longer
 * than 4,096 characters, and the policy, with a hash for every inline style and script, is
 * longer: so it is cut into `set` variables, joined again in `add_header`.
 */
const NGINX_PARAMETER_LIMIT = 4096;
/** Room for the quotes and the escaping of the piece. */
const PIECE = 3000;

export function nginxHeaders(policy: string): string {
	if (/["\\$]/.test(policy)) throw new Error('the policy holds a character nginx would read specially (" \\ $)');
	const pieces: string[] = [];
	for (let start = 0; start < policy.length; start += PIECE) pieces.push(policy.slice(start, start + PIECE));
	const lines = [
		'# The Content-Security-Policy of every page, for nginx: `include` this file in the site\'s',
		'# location block, and reload nginx after each build (the hashes change when pages change).',
		...pieces.map((piece, index) => `set $netcourse_csp_${index + 1} "${piece}";`),
		`add_header Content-Security-Policy "${pieces.map((_, index) => `$netcourse_csp_${index + 1}`).join('')}" always;`,
		'add_header X-Content-Type-Options nosniff always;',
		'',
	];
	for (const line of lines) {
		for (const parameter of line.match(/"[^"]*"/g) ?? []) {
			if (parameter.length > NGINX_PARAMETER_LIMIT) throw new Error(`an nginx parameter would be ${parameter.length} characters long`);
		}
	}
	return lines.join('\n');
}
