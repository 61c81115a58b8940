import { useNavigation } from '@remix-run/react';
import { Button, type ButtonProps } from '../atoms/Button';

interface SubmitButtonProps extends Omit<ButtonProps, 'type' | 'loading' | 'name' | 'value'> {
  /** Sent as the form's `intent`, so one action can serve several buttons. */
  intent?: string;
  /** For fetcher forms, whose state useNavigation does not see. */
  busy?: boolean;
}

/** A submit button that shows a spinner while its own submission is in flight. */
export function SubmitButton({ intent, busy, variant = 'primary', ...rest }: SubmitButtonProps) {
  const navigation = useNavigation();
  const navigating =
    navigation.state !== 'idle' && navigation.formData !== undefined && (intent === undefined || navigation.formData.get('intent') === intent);
  return <Button type="submit" name={intent ? 'intent' : undefined} value={intent} variant={variant} loading={busy ?? navigating} {...rest} />;
}
