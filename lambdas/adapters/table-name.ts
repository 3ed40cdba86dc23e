import type { TableDefinition } from "../definitions/tables";

/** The deployed name of a table, from the environment variable the function construct sets. */
export function tableNameFromEnv(table: TableDefinition, source: NodeJS.ProcessEnv = process.env): string {
  const name = source[table.envVar];
  if (!name)
    throw new Error(`${table.envVar} is not set: the function has no name for the ${table.id} table.`);
  return name;
}
