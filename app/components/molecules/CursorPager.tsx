import { Link } from '@remix-run/react';

/** Links through a list the API pages with cursors: back to the first page, on to the next. Nothing when there is one page. */
export function CursorPager({ label, firstUrl, nextUrl }: { label: string; /** Set when not on the first page. */ firstUrl: string | null; nextUrl: string | null }) {
  if (!firstUrl && !nextUrl) return null;
  return (
    <nav className="pager" aria-label={label}>
      {firstUrl && (
        <Link to={firstUrl} className="btn btn--secondary btn--sm">
          First page
        </Link>
      )}
      {nextUrl && (
        <Link to={nextUrl} className="btn btn--secondary btn--sm">
          Next page
        </Link>
      )}
    </nav>
  );
}
