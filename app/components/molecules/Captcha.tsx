import { useEffect, useRef, useState } from 'react';
import type { CaptchaConfig } from '~/lib/api-types';
import { Checkbox } from '../atoms/Checkbox';

/** The form field every CAPTCHA fills; the API reads it from signup, password reset and login. */
export const CAPTCHA_FIELD = 'captcha_token';
/** Cloudflare's documented dummy token: the only one the development stand-in accepts. */
export const STAND_IN_PASS_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';

interface CaptchaProps {
  config: CaptchaConfig | null;
  /** The API's complaint about the last token (`captcha-required`, `captcha-failed`). */
  error?: string;
  /** Changes after every submission: Turnstile tokens work once, so the widget starts over. */
  resetKey?: unknown;
}

/**
 * One CAPTCHA for every form, whatever the provider: each fills the hidden `captcha_token` field.
 * Production renders Cloudflare Turnstile; development and tests a labelled checkbox.
 */
export function Captcha({ config, error, resetKey }: CaptchaProps) {
  if (!config) return null;
  const message = error ? (error === 'is required' ? 'Complete this check to continue.' : 'The check was not accepted. Please try it again.') : undefined;
  return (
    <div className={error ? 'captcha field--invalid' : 'captcha'}>
      {config.provider === 'turnstile' && config.site_key ? <Turnstile siteKey={config.site_key} resetKey={resetKey} /> : <StandIn />}
      {message && (
        <p className="field__error" role="alert">
          {message}
        </p>
      )}
    </div>
  );
}

/** A real checkbox carrying the pass token as its value: checked, the form sends it; unchecked, nothing. */
function StandIn() {
  return <Checkbox name={CAPTCHA_FIELD} value={STAND_IN_PASS_TOKEN} label="I'm not a robot (development stand-in)" />;
}

interface TurnstileApi {
  render(container: HTMLElement, options: Record<string, unknown>): string;
  reset(widgetId: string): void;
  remove(widgetId: string): void;
}

declare global {
  interface Window {
    turnstile?: TurnstileApi;
  }
}

let scriptLoading: Promise<TurnstileApi> | null = null;

function loadTurnstile(): Promise<TurnstileApi> {
  scriptLoading ??= new Promise<TurnstileApi>((resolve, reject) => {
    if (window.turnstile) return resolve(window.turnstile);
    const script = document.createElement('script');
    script.src = TURNSTILE_SCRIPT;
    script.async = true;
    script.onload = () => (window.turnstile ? resolve(window.turnstile) : reject(new Error('Turnstile did not load')));
    script.onerror = () => {
      scriptLoading = null;
      reject(new Error('Turnstile did not load'));
    };
    document.head.appendChild(script);
  });
  return scriptLoading;
}

/** Cloudflare Turnstile, rendered explicitly; the token it hands back goes into our hidden field. */
function Turnstile({ siteKey, resetKey }: { siteKey: string; resetKey?: unknown }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const widgetRef = useRef<string | null>(null);
  const [token, setToken] = useState('');
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    loadTurnstile()
      .then((turnstile) => {
        if (cancelled || !containerRef.current) return;
        widgetRef.current = turnstile.render(containerRef.current, {
          sitekey: siteKey,
          'response-field': false,
          callback: (value: string) => setToken(value),
          'expired-callback': () => setToken(''),
          'error-callback': () => setToken(''),
        });
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      if (widgetRef.current) window.turnstile?.remove(widgetRef.current);
      widgetRef.current = null;
    };
  }, [siteKey]);

  useEffect(() => {
    if (resetKey === undefined || !widgetRef.current) return;
    setToken('');
    window.turnstile?.reset(widgetRef.current);
  }, [resetKey]);

  return (
    <>
      <input type="hidden" name={CAPTCHA_FIELD} value={token} />
      <div ref={containerRef} className="captcha__widget" />
      {failed && <p className="field__error">The security check could not load. Check your connection and reload the page.</p>}
    </>
  );
}
