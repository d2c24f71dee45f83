import { useId } from 'react';
import { useTheme, type ThemeChoice } from './theme';

export function ThemeToggle() {
  const { choice, setChoice } = useTheme();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Theme</label>
      <select id={id} value={choice} onChange={(event) => setChoice(event.target.value as ThemeChoice)} data-testid="theme-toggle">
        <option value="system">as the system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </div>
  );
}
