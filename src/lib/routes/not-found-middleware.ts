/**
 * Starlight route middleware for the "Page not found" page, content/docs/404.mdx. Its front
 * matter says `draft: true` for one reason: Starlight builds every docs entry through its
 * catch-all route as well as building the 404 entry through its own /404 route, and the two
 * collide (a build warning, and an error in later Astro versions). A draft is left out of the
 * catch-all route in production while the /404 route still finds it (Starlight's `getEntry`),
 * so the page is built once, as 404.html. It is no draft to a reader: no draft notice.
 */
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';

export const NOT_FOUND_ID = '404';

export const onRequest = defineRouteMiddleware((context) => {
	const { entry } = context.locals.starlightRoute;
	if (entry.id === NOT_FOUND_ID) entry.data.draft = false;
});
