import { Link, isRouteErrorResponse, useRouteError } from '@remix-run/react';

/**
 * What a route's ErrorBoundary shows. Messages of thrown Responses are ours and safe to show;
 * anything else is an unexpected error whose details stay in the server log.
 */
export function RouteError() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const notFound = status === 404;
  const message = isRouteErrorResponse(error)
    ? typeof error.data === 'string' && error.data
      ? error.data
      : error.statusText
    : 'Something went wrong on our side. Please try again in a moment.';
  return (
    <section className="route-error" aria-labelledby="route-error-title">
      <p className="route-error__status">{status}</p>
      <h1 id="route-error-title">{notFound ? 'Page not found' : 'This page could not be shown'}</h1>
      <p className="text-muted">{notFound ? 'The page you asked for does not exist.' : message}</p>
      <Link className="btn btn--primary btn--md" to="/" reloadDocument>
        Back to the dashboard
      </Link>
    </section>
  );
}
