import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { Button } from '../atoms/Button';
import { Icon } from '../atoms/Icon';
import { Input } from '../atoms/Input';
import { Select, type SelectOption } from '../atoms/Select';

export interface Column<Row> {
  id: string;
  header: string;
  cell: (row: Row) => ReactNode;
  /** Makes the column sortable by this value. */
  sortValue?: (row: Row) => string | number;
  /** Right-aligned, for numbers and row actions. */
  numeric?: boolean;
}

export interface TableFilter<Row> {
  label: string;
  /** The first option is "everything" and should have the value ''. */
  options: SelectOption[];
  matches: (row: Row, value: string) => boolean;
}

interface DataTableProps<Row> {
  /** Names the table for assistive technology (a visually hidden caption). */
  label: string;
  rows: Row[];
  columns: Column<Row>[];
  rowId: (row: Row) => string;
  /** A human name of the row, for the "Select …" checkbox labels. */
  rowLabel: (row: Row) => string;
  /** Enables the search box: the text a row is matched against. */
  searchText?: (row: Row) => string;
  filter?: TableFilter<Row>;
  /**
   * Enables row selection; renders the actions of the bulk bar for the selected rows, or for
   * every row matching the server's filter once the user chose that (see `selectAllMatching`).
   */
  bulkActions?: (selected: Row[], allMatching: boolean) => ReactNode;
  /**
   * With server paging: once the whole page is selected, offers to select every row matching
   * the filter: `label` offers it, `selected` says it is done, `unavailable` says why it cannot be.
   */
  selectAllMatching?: { label: string; selected: string; unavailable?: string | null };
  /** Paginates in the browser; leave out when the server pages (pass its controls as `footer`). */
  pageSize?: number;
  /** Shown instead of the table when there are no rows at all: say what to do next. */
  empty: ReactNode;
  footer?: ReactNode;
}

type Sort = { column: string; direction: 'ascending' | 'descending' } | null;

/** A table with search, one filter, sortable columns, bulk selection and pages, all in the browser. */
export function DataTable<Row>(props: DataTableProps<Row>) {
  const { label, rows, columns, rowId, rowLabel, searchText, filter, bulkActions, selectAllMatching, pageSize, empty, footer } = props;
  const [query, setQuery] = useState('');
  const [filterValue, setFilterValue] = useState('');
  const [sort, setSort] = useState<Sort>(null);
  const [selected, setSelectedRows] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [page, setPage] = useState(0);
  // Any change to the selection by hand ends "all matching": it is about exactly these rows again.
  const setSelected = (next: ReadonlySet<string>) => {
    setSelectedRows(next);
    setAllMatching(false);
  };

  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const matching = rows.filter(
      (row) => (!needle || (searchText?.(row) ?? '').toLowerCase().includes(needle)) && (!filter || !filterValue || filter.matches(row, filterValue)),
    );
    const sortColumn = sort && columns.find((c) => c.id === sort.column)?.sortValue;
    if (!sort || !sortColumn) return matching;
    const direction = sort.direction === 'ascending' ? 1 : -1;
    return [...matching].sort((a, b) => compare(sortColumn(a), sortColumn(b)) * direction);
  }, [rows, query, filterValue, sort, columns, searchText, filter]);

  const pageCount = pageSize ? Math.max(1, Math.ceil(visible.length / pageSize)) : 1;
  const currentPage = Math.min(page, pageCount - 1);
  const shown = pageSize ? visible.slice(currentPage * pageSize, (currentPage + 1) * pageSize) : visible;

  // Rows that left (deleted, revoked, another page) cannot stay selected.
  useEffect(() => {
    const ids = new Set(rows.map(rowId));
    setSelectedRows((current) => ([...current].every((id) => ids.has(id)) ? current : new Set([...current].filter((id) => ids.has(id)))));
  }, [rows, rowId]);
  // New rows (another page, a new filter, a reload after an action) end "all matching".
  useEffect(() => setAllMatching(false), [rows]);

  if (rows.length === 0) return <>{empty}</>;

  const selectable = bulkActions !== undefined;
  const selectedRows = rows.filter((row) => selected.has(rowId(row)));
  const resetPaging = () => setPage(0);

  return (
    <div className="data-table">
      {(searchText || filter) && (
        <div className="data-table__toolbar">
          {searchText && (
            <SearchBox
              label={`Search ${label.toLowerCase()}`}
              value={query}
              onChange={(value) => {
                setQuery(value);
                resetPaging();
              }}
            />
          )}
          {filter && (
            <Select
              aria-label={filter.label}
              options={filter.options}
              value={filterValue}
              onChange={(event) => {
                setFilterValue(event.target.value);
                resetPaging();
              }}
            />
          )}
        </div>
      )}

      {selectable && selectedRows.length > 0 && (
        <div className="bulk-bar" role="region" aria-label="Bulk actions">
          <div className="bulk-bar__selection">
            <span className="bulk-bar__count" aria-live="polite">
              {allMatching && selectAllMatching ? selectAllMatching.selected : `${selectedRows.length} selected`}
            </span>
            {selectAllMatching && !allMatching && shown.every((row) => selected.has(rowId(row))) && (
              selectAllMatching.unavailable ? (
                <span className="text-muted bulk-bar__note">{selectAllMatching.unavailable}</span>
              ) : (
                <Button variant="ghost" size="sm" onClick={() => setAllMatching(true)}>
                  {selectAllMatching.label}
                </Button>
              )
            )}
          </div>
          <div className="bulk-bar__actions">
            {bulkActions(selectedRows, allMatching)}
            <Button variant="ghost" size="sm" onClick={() => setSelected(new Set())}>
              Clear selection
            </Button>
          </div>
        </div>
      )}

      {visible.length === 0 ? (
        <div className="data-table__no-match">
          <p>No {label.toLowerCase()} match your search.</p>
          <Button
            size="sm"
            onClick={() => {
              setQuery('');
              setFilterValue('');
            }}
          >
            Clear search and filter
          </Button>
        </div>
      ) : (
        <div className="data-table__scroll" role="region" aria-label={label} tabIndex={0}>
          <table className="table">
            <caption className="visually-hidden">{label}</caption>
            <thead>
              <tr>
                {selectable && (
                  <th scope="col" className="table__select">
                    <SelectAllBox shownIds={shown.map(rowId)} selected={selected} onChange={setSelected} />
                  </th>
                )}
                {columns.map((column) => (
                  <HeaderCell key={column.id} column={column} sort={sort} onSort={setSort} />
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => {
                const id = rowId(row);
                return (
                  <tr key={id} aria-selected={selectable ? selected.has(id) : undefined}>
                    {selectable && (
                      <td className="table__select">
                        <label className="table__checkbox">
                          <input type="checkbox" checked={selected.has(id)} onChange={() => setSelected(toggle(selected, id))} />
                          <span className="visually-hidden">Select {rowLabel(row)}</span>
                        </label>
                      </td>
                    )}
                    {columns.map((column) => (
                      <td key={column.id} className={column.numeric ? 'table__numeric' : undefined}>
                        {column.cell(row)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {(pageCount > 1 || footer) && (
        <div className="data-table__footer">
          {pageSize && pageCount > 1 && (
            <Pager page={currentPage} pageCount={pageCount} total={visible.length} pageSize={pageSize} onPage={setPage} />
          )}
          {footer}
        </div>
      )}
    </div>
  );
}

function SearchBox({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <div className="search-box">
      <Icon name="search" />
      <Input type="search" aria-label={label} placeholder="Search…" value={value} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}

function HeaderCell<Row>({ column, sort, onSort }: { column: Column<Row>; sort: Sort; onSort: (sort: Sort) => void }) {
  const active = sort?.column === column.id ? sort.direction : undefined;
  if (!column.sortValue) {
    return (
      <th scope="col" className={column.numeric ? 'table__numeric' : undefined}>
        {column.header}
      </th>
    );
  }
  const next = active === 'ascending' ? 'descending' : 'ascending';
  return (
    <th scope="col" aria-sort={active ?? 'none'} className={column.numeric ? 'table__numeric' : undefined}>
      <button type="button" className="table__sort" onClick={() => onSort({ column: column.id, direction: next })}>
        {column.header}
        <Icon name={active === 'ascending' ? 'arrow-up' : active === 'descending' ? 'arrow-down' : 'sort'} size={14} />
      </button>
    </th>
  );
}

function SelectAllBox({ shownIds, selected, onChange }: { shownIds: string[]; selected: ReadonlySet<string>; onChange: (next: ReadonlySet<string>) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  const id = useId();
  const count = shownIds.filter((rowId) => selected.has(rowId)).length;
  const all = count > 0 && count === shownIds.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  return (
    <label className="table__checkbox" htmlFor={id}>
      <input
        ref={ref}
        id={id}
        type="checkbox"
        checked={all}
        onChange={() => {
          const next = new Set(selected);
          for (const rowId of shownIds) {
            if (all) next.delete(rowId);
            else next.add(rowId);
          }
          onChange(next);
        }}
      />
      <span className="visually-hidden">Select all rows on this page</span>
    </label>
  );
}

function Pager({ page, pageCount, total, pageSize, onPage }: { page: number; pageCount: number; total: number; pageSize: number; onPage: (page: number) => void }) {
  const first = page * pageSize + 1;
  const last = Math.min(total, first + pageSize - 1);
  return (
    <nav className="pager" aria-label="Pages">
      <span className="pager__status">
        {first}–{last} of {total}
      </span>
      <Button size="sm" disabled={page === 0} onClick={() => onPage(page - 1)}>
        Previous
      </Button>
      <Button size="sm" disabled={page >= pageCount - 1} onClick={() => onPage(page + 1)}>
        Next
      </Button>
    </nav>
  );
}

function toggle(set: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

function compare(a: string | number, b: string | number): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}
