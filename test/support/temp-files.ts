import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary folder for a test file's CSVs, removed by `cleanup`. */
export function tempFiles(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let n = 0;
  return {
    dir,
    write(content: string | Buffer, name = `file-${++n}.csv`): string {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
