import { useId, useRef, useState, type DragEvent } from 'react';
import { formatBytes } from '~/lib/format';
import { Icon } from '../atoms/Icon';

interface FileDropProps {
  label: string;
  /** File extensions and types for the picker, e.g. ".csv,.xlsx". */
  accept: string;
  hint?: string;
  file: File | null;
  onFile: (file: File | null) => void;
  error?: string;
}

/**
 * A file input that also takes a file dropped onto it. The native input stays the control
 * (keyboard, screen readers, phones); the drop zone around it is a convenience for the mouse.
 */
export function FileDrop({ label, accept, hint, file, onFile, error }: FileDropProps) {
  const id = useId();
  const [over, setOver] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const describedBy = [hint && `${id}-hint`, file && `${id}-chosen`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

  function drop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files[0];
    if (!dropped) return;
    // The input shows the dropped file too, so what it says and what is sent agree.
    if (inputRef.current) inputRef.current.files = event.dataTransfer.files;
    onFile(dropped);
  }

  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <div
        className={['file-drop', over && 'file-drop--over', file && 'file-drop--chosen'].filter(Boolean).join(' ')}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <Icon name="upload" size={28} />
        <label className="file-drop__label" htmlFor={id}>
          {label}
        </label>
        <p className="text-muted">or drop it here</p>
        <input
          ref={inputRef}
          id={id}
          className="file-drop__input"
          type="file"
          accept={accept}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(event) => onFile(event.currentTarget.files?.[0] ?? null)}
        />
        {file && (
          <p className="file-drop__chosen" id={`${id}-chosen`}>
            <strong>{file.name}</strong> <span className="text-muted">({formatBytes(file.size)})</span>
          </p>
        )}
      </div>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
