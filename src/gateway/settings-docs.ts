// Renders the gateway settings reference (README) from the settings table, so the docs cannot
// drift from the flags and env names the gateway really reads.
import { envName, flagName, settingsTable, type SettingSpec } from './settings-table.js';

export function renderSettingsReference(): string {
  const rows = (settingsTable as readonly SettingSpec[]).map((spec) => {
    const envs = [envName(spec.key), ...(spec.envAliases ?? [])].map((e) => `\`${e}\``).join(', ');
    const key = spec.cliOnly ? '—' : `\`${spec.key}\``;
    const def = spec.default === undefined ? '—' : `\`${spec.default}\``;
    const secret = spec.secret ? ' (secret)' : '';
    return `| \`${flagName(spec.key)}\` | ${envs} | ${key} | ${def} | ${spec.description}${secret} |`;
  });
  return ['| Flag | Env | Config key | Default | Description |', '|---|---|---|---|---|', ...rows].join('\n');
}
