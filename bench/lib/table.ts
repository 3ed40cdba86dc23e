export type Align = "left" | "right";

export interface Column {
  readonly header: string;
  readonly align?: Align;
}

/** A plain-text table with aligned columns, readable in a terminal and pasteable into Markdown. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${columns
      .map((column, i) => {
        const cell = cells[i] ?? "";
        const width = widths[i] ?? 0;
        return column.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(" | ")} |`;
  const rule = `|${columns
    .map((column, i) => {
      const dashes = "-".repeat((widths[i] ?? 0) + 2);
      // Markdown alignment markers, so the table renders aligned when pasted into BENCHMARKS.md.
      return column.align === "right" ? `${dashes.slice(1)}:` : dashes;
    })
    .join("|")}|`;
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join("\n");
}
