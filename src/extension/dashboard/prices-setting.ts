// claudeProxy.prices: the user's prices per OpenAI model, merged over the built-in list. Checked
// with the usage module's priceTableSchema; problems name the setting path the user has to fix.
// An invalid table does not stop the proxy: the dashboard keeps the last valid prices. No `vscode`.
import { defaultPrices, priceTableSchema, type PriceTable } from '../../usage/prices';
import { settingName } from '../settings';

export type PricesResult = { ok: true; prices: PriceTable } | { ok: false; problems: string[] };

/** The effective price table: the defaults, with the user's entries (model names lower-cased)
 *  replacing or adding models. `raw` is the setting's value; undefined or null means none. */
export function readPrices(raw: unknown): PricesResult {
  if (raw === undefined || raw === null) return { ok: true, prices: { ...defaultPrices } };
  const parsed = priceTableSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${settingName(['prices', ...issue.path])}: ${issue.message}`) };
  }
  const prices: PriceTable = { ...defaultPrices };
  for (const [model, price] of Object.entries(parsed.data)) prices[model.trim().toLowerCase()] = price;
  return { ok: true, prices };
}
