import { Link } from '@remix-run/react';

interface CursorPagerProps {
  label: string;
  /** Set when not on the first page. */
  firstUrl: string | null;
  nextUrl: string | null;
  /** What the two links say where "first" and "next" read oddly: "Newest entries", "Older entries". */
  firstLabel?: string;
  nextLabel?: string;
  /** For a pager inside a page (an activity list), so paging does not jump to the top. */
  preventScrollReset?: boolean;
}

/** Links through a list the API pages with cursors: back to the first page, on to the next. Nothing when there is one page. */
export function CursorPager({ label, firstUrl, nextUrl, firstLabel = 'First page', nextLabel = 'Next page', preventScrollReset }: CursorPagerProps) {
  if (!firstUrl && !nextUrl) return null;
  return (
    <nav className="pager" aria-label={label}>
      {firstUrl && (
        <Link to={firstUrl} className="btn btn--secondary btn--sm" preventScrollReset={preventScrollReset}>
          {firstLabel}
        </Link>
      )}
      {nextUrl && (
        <Link to={nextUrl} className="btn btn--secondary btn--sm" preventScrollReset={preventScrollReset}>
          {nextLabel}
        </Link>
      )}
    </nav>
  );
}
