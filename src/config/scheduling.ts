// Item syntaxes of the structured scheduling variables (VariableSpec.structured): a compact string
// per item on the command line, the Kubernetes fields as an object per item in the module. Item
// syntaxes contain no commas: flags split list items on commas.
import type { StructuredList } from './variables.js';
import { LABEL_KEY, LABEL_VALUE } from './validators.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const isKey = (s: string): boolean => s.length <= 316 && new RegExp(LABEL_KEY).test(s);
const isValue = (s: string): boolean => s.length <= 63 && new RegExp(LABEL_VALUE).test(s);

/**
 * kubectl's taint syntax `key[=value][:Effect]`: with a value the toleration matches that value
 * (operator Equal), without one any value of the key (Exists). Without an effect it matches every
 * effect: the API documents an empty effect as "match all taint effects".
 */
export const tolerationItem: StructuredList = {
  hclType: 'list(object({ key = string, operator = string, value = optional(string), effect = optional(string) }))',
  syntax: '`key[=value][:Effect]`',
  parse: (item) => {
    const m = /^([^=:]*)(?:=([^:]*))?(?::(.*))?$/.exec(item);
    const [, key = '', value, effect] = m ?? [];
    if (!isKey(key)) return { problem: 'the key must be a label key like node-role.kubernetes.io/control-plane' };
    if (value !== undefined && !isValue(value)) return { problem: 'the value must be a label value (letters, digits, -, _ and .)' };
    if (effect !== undefined && !TAINT_EFFECTS.includes(effect)) return { problem: `the effect must be one of ${TAINT_EFFECTS.join(', ')}` };
    return { item: { key, operator: value === undefined ? 'Exists' : 'Equal', value: value ?? null, effect: effect ?? null } };
  },
};

/** `key=v1|v2`: the node label must be one of the values (operator In); `key` alone: it must exist (Exists). */
export const nodeAffinityItem: StructuredList = {
  hclType: 'list(object({ key = string, operator = string, values = optional(list(string)) }))',
  syntax: '`key[=value1|value2…]`',
  parse: (item) => {
    const at = item.indexOf('=');
    const key = at < 0 ? item : item.slice(0, at);
    const values = at < 0 ? undefined : item.slice(at + 1).split('|');
    if (!isKey(key)) return { problem: 'the key must be a node label key like topology.kubernetes.io/zone' };
    if (values && !values.every((v) => v !== '' && isValue(v))) return { problem: 'each value must be a non-empty label value' };
    return { item: { key, operator: values ? 'In' : 'Exists', values: values ?? null } };
  },
};
