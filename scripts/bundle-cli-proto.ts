/**
 * The Temporal protobuf definitions as the CLI bundles need them. @temporalio/proto builds a
 * reflection tree of every message at load, including the worker's core SDK messages and the
 * Temporal Cloud API, which client commands never use; building that tree is the largest part of
 * a client command's start-up. The bundles get the same module without those two, with the
 * definitions as a JSON string (JSON.parse is faster than compiling an object literal).
 */
import { Root } from 'protobufjs/light';

/** Top-level namespaces left out, as paths through `nested`. */
const LEFT_OUT = [['coresdk'], ['temporal', 'api', 'cloud']];

const ADD_JSON = '.addJSON(';

/**
 * Rewrites the source of @temporalio/proto's protos/json-module.js.
 * @throws {Error} when the source is not in the expected form, or a kept definition refers to a
 *   left-out one (checked by resolving every type)
 */
export function pruneProtoModule(source: string): string {
  const start = source.indexOf(ADD_JSON);
  const end = source.lastIndexOf('});');
  if (start < 0 || end < start) throw new Error('@temporalio/proto json-module.js: no addJSON({...}) call');
  const definitions = JSON.parse(source.slice(start + ADD_JSON.length, end + 1)) as Nested;
  for (const path of LEFT_OUT) {
    const parent = path.slice(0, -1).reduce<Nested | undefined>((n, name) => n?.[name]?.nested, definitions);
    const name = path[path.length - 1] ?? '';
    if (parent?.[name] === undefined) throw new Error(`@temporalio/proto: no ${path.join('.')} to leave out`);
    delete parent[name];
  }
  new Root().addJSON(definitions as Parameters<Root['addJSON']>[0]).resolveAll();
  const json = JSON.stringify(definitions);
  return `${source.slice(0, start)}${ADD_JSON}JSON.parse(${JSON.stringify(json)})${source.slice(end + 1)}`;
}

type Nested = Record<string, { nested?: Nested } | undefined>;
