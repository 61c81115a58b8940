/** Values a form posts without showing them (an id, a selection), one input per value. */
export function HiddenFields({ fields }: { fields: Record<string, string | string[]> }) {
  return (
    <>
      {Object.entries(fields).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((one, index) => <input key={`${name}-${index}`} type="hidden" name={name} value={one} />),
      )}
    </>
  );
}
