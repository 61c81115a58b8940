import { Button } from '../atoms/Button';

/** Opens the charts' tables, so the numbers are on paper too, and prints; analytics.css leaves out navigation and controls. */
function printReport() {
  for (const details of document.querySelectorAll<HTMLDetailsElement>('main details')) details.open = true;
  window.print();
}

export function PrintButton({ label = 'Print report' }: { label?: string }) {
  return (
    <Button variant="secondary" icon="download" onClick={printReport} className="no-print">
      {label}
    </Button>
  );
}
