/** Pages (by their render request) that have given a block Expressive Code's page assets. */
const pagesWithAssets = new WeakSet<Request>();

/**
 * Claims Expressive Code's page assets (its stylesheet and script) for a block about to be
 * shown: true for a page's first block, which then carries them, false for every later one.
 */
export function claimPageAssets(request: Request): boolean {
	if (pagesWithAssets.has(request)) return false;
	pagesWithAssets.add(request);
	return true;
}
