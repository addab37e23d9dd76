/**
 * Form fields of the officer console and the admin pages: every input has a label tied by
 * `for`/`id`, and a field in error carries `aria-invalid` and points at its message (and hint)
 * with `aria-describedby` (WCAG 2.2 SC 1.3.1, 3.3.1, 3.3.2).
 */
import type { Child } from 'hono/jsx';
import type { Page } from './page.js';

/** Messages of the fields in error, by field name, already in the page's language. */
export type FieldErrors = Partial<Record<string, string>>;

/** The id of the input named `name` (`name.ca` → `f-name-ca`). */
export const fieldId = (name: string): string => `f-${name.replace(/[^A-Za-z0-9]+/g, '-')}`;

const describedBy = (...ids: (string | undefined)[]): string | undefined => ids.filter(Boolean).join(' ') || undefined;

interface Common {
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
}

/** Label, hint and error of a field; the input is the child. */
function Frame(props: Common & { id: string; children: Child }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

const aria = (id: string, p: Common) => ({
  'aria-invalid': p.error ? ('true' as const) : undefined,
  'aria-describedby': describedBy(p.hint ? `${id}-hint` : undefined, p.error ? `${id}-error` : undefined),
});

/** A one-line input. */
export function TextField(
  props: Common & { value?: string | undefined; type?: 'text' | 'url' | 'email' | 'number' | 'datetime-local' | 'search'; maxlength?: number; min?: number; list?: string; autocomplete?: string },
) {
  const id = fieldId(props.name);
  return (
    <Frame {...props} id={id}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        maxlength={props.maxlength}
        min={props.min}
        list={props.list}
        autocomplete={props.autocomplete ?? 'off'}
        {...aria(id, props)}
      />
    </Frame>
  );
}

/** A multi-line input. */
export function TextArea(props: Common & { value?: string | undefined; rows?: number; maxlength?: number }) {
  const id = fieldId(props.name);
  return (
    <Frame {...props} id={id}>
      <textarea id={id} name={props.name} rows={props.rows ?? 3} required={props.required} maxlength={props.maxlength} {...aria(id, props)}>
        {props.value ?? ''}
      </textarea>
    </Frame>
  );
}

/** A drop-down list. */
export function SelectField(props: Common & { value?: string | undefined; options: { value: string; label: string }[] }) {
  const id = fieldId(props.name);
  return (
    <Frame {...props} id={id}>
      <select id={id} name={props.name} required={props.required} {...aria(id, props)}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === (props.value ?? '')}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

/** A group of checkboxes sharing `name` (a list of codes), in a fieldset with a legend. */
export function CheckboxGroup(props: Common & { values: readonly string[]; options: { value: string; label: string }[] }) {
  const id = fieldId(props.name);
  return (
    <fieldset id={id} aria-describedby={describedBy(props.hint ? `${id}-hint` : undefined, props.error ? `${id}-error` : undefined)}>
      <legend>{props.label}</legend>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
      <ul class="checks">
        {props.options.map((o) => {
          const oid = `${id}-${o.value.replace(/[^A-Za-z0-9]+/g, '-')}`;
          return (
            <li>
              <input type="checkbox" id={oid} name={props.name} value={o.value} checked={props.values.includes(o.value)} />
              <label for={oid}>{o.label}</label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** The list of errors at the top of a form, each a link to its field (WCAG 2.2 SC 3.3.1). */
export function ErrorSummary({ p, errors }: { p: Page; errors: FieldErrors }) {
  const entries = Object.entries(errors).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1}>
      <h2>{p.t('form.errorsTitle')}</h2>
      <ul>
        {entries.map(([name, message]) => (
          <li>
            <a href={`#${fieldId(name)}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}
