// Checks a JSON value against a Swagger 1.1 type of Asterisk's api-docs ("Channel", "List[Endpoint]", "Date"…): unknown fields, missing required ones, wrong primitive types.
import type { SwaggerModel } from './api-docs.js';

/** ast_json_timeval's format: what every ARI `Date` field carries. */
export const ariDate = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/;

export function conformsTo(value: unknown, type: string, models: Map<string, SwaggerModel>, where = type, problems: string[] = []): string[] {
  const list = /^List\[(.+)\]$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) problems.push(`${where} should be a list`);
    else value.forEach((v, i) => conformsTo(v, list[1]!, models, `${where}[${i}]`, problems));
    return problems;
  }
  const model = models.get(type);
  if (model) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${where} should be a ${type} object`);
      return problems;
    }
    const props = { ...model.properties };
    // Events inherit Message's and Event's fields (events.json: Message → Event → each event).
    const event = models.get('Event');
    if (event?.subTypes?.includes(type)) Object.assign(props, event.properties);
    if (type === 'Event' || event?.subTypes?.includes(type)) Object.assign(props, models.get('Message')?.properties ?? {});
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      const p = props[k];
      if (!p) problems.push(`${where}.${k} is not a field of ${type}`);
      else conformsTo(v, p.type, models, `${where}.${k}`, problems);
    }
    for (const [k, p] of Object.entries(props)) if (p.required && !(k in obj)) problems.push(`${where}.${k} (required by ${type}) is missing`);
    return problems;
  }
  const primitive: Record<string, (v: unknown) => boolean> = {
    string: (v) => typeof v === 'string',
    Date: (v) => typeof v === 'string' && ariDate.test(v),
    int: (v) => Number.isInteger(v),
    long: (v) => Number.isInteger(v),
    double: (v) => typeof v === 'number',
    boolean: (v) => typeof v === 'boolean',
    object: (v) => typeof v === 'object' && v !== null,
  };
  const check = primitive[type];
  if (!check) problems.push(`${where}: type ${type} is not described by the api-docs`);
  else if (!check(value)) problems.push(`${where} = ${JSON.stringify(value)} is not a ${type}`);
  return problems;
}
