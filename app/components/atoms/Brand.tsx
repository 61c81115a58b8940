import { Link } from '@remix-run/react';

export function Brand() {
  return (
    <Link to="/" className="brand">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" className="brand__mark" />
        <path d="M7 11l9 6 9-6M7 10h18v12H7z" fill="none" className="brand__envelope" strokeWidth="2.2" strokeLinejoin="round" />
      </svg>
      <span>Edgepost</span>
    </Link>
  );
}
