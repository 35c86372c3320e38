/**
 * The world as a growing list of level columns (SMB legend ids, row 0 at the top). Chunks are
 * appended on the right as they arrive from the worker; old ones stay (a few bytes each) so the
 * hero can walk back.
 */
export class Columns {
  private cells: Uint8Array[] = [];

  constructor(readonly rows: number) {}

  get length(): number {
    return this.cells.length;
  }

  /** Appends columns [from, grid.cols) of a row-major grid. */
  append(grid: { rows: number; cols: number; cells: Uint8Array }, from = 0): void {
    for (let c = from; c < grid.cols; c++) {
      const column = new Uint8Array(this.rows);
      for (let r = 0; r < this.rows; r++) column[r] = grid.cells[r * grid.cols + c]!;
      this.cells.push(column);
    }
  }

  /** Tile id at (row, col); 0 (empty) outside the world. */
  at(row: number, col: number): number {
    return this.cells[col]?.[row] ?? 0;
  }

  set(row: number, col: number, id: number): void {
    const column = this.cells[col];
    if (column && row >= 0 && row < this.rows) column[row] = id;
  }

  /** The last `count` columns as a row-major grid (the known context for outpainting). */
  tail(count: number): { rows: number; cols: number; cells: Uint8Array } {
    const from = Math.max(0, this.length - count);
    const cols = this.length - from;
    const cells = new Uint8Array(this.rows * cols);
    for (let c = 0; c < cols; c++) for (let r = 0; r < this.rows; r++) cells[r * cols + c] = this.cells[from + c]![r]!;
    return { rows: this.rows, cols, cells };
  }
}
