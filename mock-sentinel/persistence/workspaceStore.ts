// The workspace store: one DuckDB view per Log Analytics table (docs/decisions/0001), over narrow
// physical parts (tableParts.ts, docs/decisions/0012). In memory by default, a file when a path is
// given, so rows and schema survive a restart.
//
// Writes (DDL and appends) go through one connection, one at a time; reads use a second connection,
// so a long query never blocks ingestion.
//
// Every table's view starts with a hidden column, INGESTION_TIME_COLUMN: when the row was stored, on
// the store's clock, as Log Analytics keeps for `ingestion_time()`, and ends with another,
// ROW_ORDER_COLUMN (`rowid`): the row's place in insertion order. Neither is one of the table's
// columns anywhere the store shows them (columns(), listTables(), rows()); the query engine reads the
// ingestion time only when asked to (NRT analytic rules: rows ingested since the last run). Callers
// that derive new columns from the current schema (typing, schema evolution) hold
// `withTableLock(table, …)` across the read and the writes.
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import {
  laTypeFromCatalog,
  quoteIdent,
  type ColumnDef,
  type LaType,
} from './columnTypes.ts';
import { KeyedSerialQueue } from './serialQueue.ts';
import { CHUNK_ROWS, chunkValueConverter, createChunk, fillChunk, isVarcharColumn } from './chunkColumns.ts';
import { rowsToColumnBatch, type ColumnBatch } from './columnBatch.ts';
import { columnWriter, renderValue } from './valueConversion.ts';
import {
  cheapestMerge,
  copyPartSql,
  createPartSql,
  fittingPart,
  HIDDEN_VIEW_COLUMNS,
  INGESTION_TIME_COLUMN,
  newPart,
  parsePartName,
  partName,
  PARTS_SCHEMA,
  ROW_ORDER_COLUMN,
  SEQUENCE_COLUMN,
  viewSql,
  type TablePart,
} from './tableParts.ts';

export { INGESTION_TIME_COLUMN, ROW_ORDER_COLUMN } from './tableParts.ts';

export interface TableInfo {
  name: string;
  rowCount: number;
  columns: ColumnDef[];
}

export interface SqlResult {
  columns: ColumnDef[];
  rows: unknown[][];
}

export type StoredRow = Record<string, unknown>;

export interface StoreOptions {
  /** The store's clock, for rows' ingestion times (default: real time). */
  now?: () => Date;
  /** DuckDB's `memory_limit` (e.g. '2GB'); default DuckDB's own, 80 % of RAM. */
  memoryLimit?: string;
}

/** A Log Analytics table: its columns in creation order and the parts that hold its rows. */
interface TableState {
  columns: ColumnDef[];
  parts: TablePart[];
  /** The next part's number (never reused, so a part's name never points at other rows). */
  nextPart: number;
  /** The next row's place in insertion order. */
  nextSeq: number;
}

/** A batch appended but not yet flushed, kept so that it can be stored alone if its group's flush fails. */
interface PendingAppend {
  part: TablePart;
  /** `values[i]` holds the part's column i. */
  values: readonly (readonly unknown[] | undefined)[];
  rowCount: number;
  /** Ingestion time of every row of the batch. */
  stamp: Date;
  /** The batch's first row's place in insertion order; the others follow. */
  firstSeq: number;
  resolve: (rows: number) => void;
  reject: (err: Error) => void;
}

const WRITE_LANE = '\u0000write';

export class WorkspaceStore {
  private readonly tables = new Map<string, TableState>();
  private readonly queue = new KeyedSerialQueue();
  private closed = false;
  private rowsSinceCheckpoint = 0;
  /** Batches appended to one part's appender since its last flush. */
  private pending: { part: string; items: PendingAppend[] } | undefined;
  private flushScheduled = false;
  /** Flushes run and batches stored: batches / flushes is how many requests shared a commit. */
  readonly writeStats = { flushes: 0, batches: 0, checkpointFailures: 0 };
  /** Appenders by part. */
  private readonly appenders = new Map<string, DuckDBAppender>();
  /** Each kept appender's data chunk, created once from its column types. */
  private readonly appenderChunks = new Map<string, DuckDBDataChunk>();
  /** The latest ingestionCut(): later rows are stamped after it, so a cut splits rows exactly. */
  private lastCut = 0;
  private lastStamp = 0;
  private readonly now: () => Date;
  /** Read connections handed out by openReader(), closed with the store. */
  private readonly readers: DuckDBConnection[] = [];
  /** In memory, a checkpoint after this many appended rows compresses them (file databases checkpoint themselves). */
  static checkpointEveryRows = 100_000;
  /** Batches under this many rows wait for a flush shared with the batches queued behind them. */
  static groupFlushBelowRows = 64;
  /** Batches of at least this many rows are appended as data chunks, smaller ones row by row. */
  static chunkedFromRows = 64;
  /** A table with this many parts merges its two cheapest before it gets another (bounds the view's width). */
  static maxPartsPerTable = 16;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    /** A read connection for queries (the KQL engine may use it directly). */
    readonly connection: DuckDBConnection,
    readonly path: string,
    options: StoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Opens (or creates) the store; `path` omitted or `:memory:` keeps it in memory. `memoryLimit`
   * is DuckDB's `memory_limit` (e.g. '2GB'; default DuckDB's own, 80 % of RAM): a query that needs
   * more fails instead of taking the machine.
   */
  static async open(path: string = ':memory:', options: StoreOptions = {}): Promise<WorkspaceStore> {
    // DuckDB's allocator keeps freed memory (checkpoint buffers, appender chunks) unless told to give
    // it back: without these two settings RSS after 1 M rows was 687 MB instead of 308 MB (bench:ingest).
    const settings: Record<string, string> = { allocator_flush_threshold: '64MB', allocator_background_threads: 'true' };
    if (options.memoryLimit !== undefined) settings.memory_limit = options.memoryLimit;
    const instance = await DuckDBInstance.create(path, settings);
    const writer = await instance.connect();
    const reader = await instance.connect();
    if (path === ':memory:') {
      // An in-memory database that compresses its row groups at each checkpoint: about half the
      // memory for the same rows (see checkpointEveryRows).
      await writer.run(`ATTACH ':memory:' AS workspace (COMPRESS)`);
      await writer.run('USE workspace');
      await reader.run('USE workspace');
    }
    const store = new WorkspaceStore(instance, writer, reader, path, options);
    await store.loadCatalog();
    return store;
  }

  private async loadCatalog(): Promise<void> {
    await this.writer.run(`CREATE SCHEMA IF NOT EXISTS ${PARTS_SCHEMA}`);
    await this.migrateTablesWithoutParts();
    const views = await this.writer.runAndReadAll(
      `SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal`,
    );
    this.tables.clear();
    for (const [name] of views.getRowsJS() as [string][]) this.tables.set(name, { columns: [], parts: [], nextPart: 0, nextSeq: 0 });
    const reader = await this.writer.runAndReadAll(
      `SELECT c.schema_name, c.table_name, c.column_name, c.data_type, t.estimated_size FROM duckdb_columns() c
       LEFT JOIN duckdb_tables() t ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
       WHERE c.database_name = current_database() AND c.schema_name IN ('main', '${PARTS_SCHEMA}') AND NOT c.internal
       ORDER BY c.schema_name, c.table_name, c.column_index`,
    );
    const partColumns = new Map<string, { rows: number; columns: ColumnDef[] }>();
    for (const [schema, table, column, dataType, rows] of reader.getRowsJS() as [string, string, string, string, bigint | null][]) {
      if (schema === 'main') {
        if (!HIDDEN_VIEW_COLUMNS.has(column)) this.tables.get(table)?.columns.push({ name: column, type: laTypeFromCatalog(dataType) });
        continue;
      }
      let part = partColumns.get(table);
      if (!part) partColumns.set(table, (part = { rows: Number(rows ?? 0), columns: [] }));
      if (column !== INGESTION_TIME_COLUMN && column !== SEQUENCE_COLUMN) part.columns.push({ name: column, type: laTypeFromCatalog(dataType) });
    }
    for (const [name, { rows, columns }] of partColumns) {
      const parsed = parsePartName(name);
      const state = parsed && this.tables.get(parsed.table);
      if (!state) continue; // a part whose table was never created (its DDL did not commit)
      state.parts.push(newPart(name, columns, rows));
      state.nextPart = Math.max(state.nextPart, parsed.index + 1);
    }
    for (const [name, state] of this.tables) {
      if (state.parts.length === 0) continue;
      const max = await this.writer.runAndReadAll(`SELECT max(${quoteIdent(ROW_ORDER_COLUMN)}) FROM main.${quoteIdent(name)}`);
      state.nextSeq = Number(max.getRowsJS()[0]![0] ?? -1) + 1;
    }
  }

  /**
   * A database file written before tables had parts holds each table as one table in `main`: it
   * becomes the table's first part (its rows in their order, a null ingestion time where the file
   * had none), behind the table's view.
   */
  private async migrateTablesWithoutParts(): Promise<void> {
    const tables = await this.writer.runAndReadAll(
      `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal`,
    );
    for (const [name] of tables.getRowsJS() as [string][]) {
      const catalog = await this.writer.runAndReadAll(
        `SELECT column_name, data_type FROM duckdb_columns()
         WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $name ORDER BY column_index`,
        { name },
      );
      const all = catalog.getRowsJS() as [string, string][];
      const columns = all.filter(([c]) => c !== INGESTION_TIME_COLUMN).map(([c, t]) => ({ name: c, type: laTypeFromCatalog(t) }));
      const stamped = all.some(([c]) => c === INGESTION_TIME_COLUMN);
      const part = newPart(partName(name, 0), columns);
      const list = [
        stamped ? quoteIdent(INGESTION_TIME_COLUMN) : `CAST(NULL AS TIMESTAMPTZ)`,
        `rowid`,
        ...columns.map((c) => quoteIdent(c.name)),
      ].join(', ');
      const source = `main.${quoteIdent(name)}`;
      await this.transaction([
        createPartSql(part.name, columns),
        `INSERT INTO ${PARTS_SCHEMA}.${quoteIdent(part.name)} SELECT ${list} FROM ${source} ORDER BY rowid`,
        `DROP TABLE ${source}`,
        viewSql(name, columns, [part]),
      ]);
    }
  }

  /** Runs DDL statements as one transaction: a table's parts and its view change together or not at all. */
  private async transaction(statements: readonly string[]): Promise<void> {
    await this.writer.run('BEGIN TRANSACTION');
    try {
      for (const sql of statements) await this.writer.run(sql);
      await this.writer.run('COMMIT');
    } catch (err) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * A read connection of its own, for one query that may be interrupted (a timeout, a client gone):
   * interrupting the shared `connection` would cancel whatever else runs on it. Close it after use.
   */
  async openQueryConnection(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('workspace store is closed');
    const connection = await this.instance.connect();
    if (this.path === ':memory:') await connection.run('USE workspace');
    return connection;
  }

  /** Serialises `job` with every other job holding the same table's lock. */
  withTableLock<T>(table: string, job: () => Promise<T>): Promise<T> {
    return this.queue.run(`table:${table}`, job);
  }

  /** Runs `job` on the write lane once the rows appended before it are flushed. */
  private write<T>(job: () => Promise<T>): Promise<T> {
    return this.onWriteLane(async () => {
      await this.flushPending();
      return job();
    });
  }

  private onWriteLane<T>(job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('workspace store is closed'));
    return this.queue.run(WRITE_LANE, job);
  }

  hasTable(name: string): boolean {
    return this.tables.has(name);
  }

  /** The table's columns in creation order, or undefined when the table does not exist. */
  columns(name: string): readonly ColumnDef[] | undefined {
    return this.tables.get(name)?.columns;
  }

  tableNames(): string[] {
    return [...this.tables.keys()].sort();
  }

  /** The table's parts: their names, columns and rows (what the tests and the memory bench inspect). */
  parts(name: string): readonly { name: string; columns: readonly string[]; rows: number }[] {
    return (this.tables.get(name)?.parts ?? []).map((p) => ({ name: p.name, columns: [...p.names], rows: p.rows }));
  }

  /** Creates the table with `columns` if missing, then adds any of `columns` it lacks. */
  async ensureTable(name: string, columns: ColumnDef[]): Promise<readonly ColumnDef[]> {
    if (!this.tables.has(name)) {
      await this.write(async () => {
        if (this.tables.has(name)) return;
        if (columns.length === 0) throw new Error(`table ${name} needs at least one column`);
        const defined = columns.map((c) => ({ ...c }));
        // The first part holds the columns the table is created with: the shape its callers send.
        const first = newPart(partName(name, 0), defined.map((c) => ({ ...c })));
        await this.transaction([createPartSql(first.name, first.columns), viewSql(name, defined, [first])]);
        this.tables.set(name, { columns: defined, parts: [first], nextPart: 1, nextSeq: 0 });
      });
    }
    await this.addColumns(name, columns);
    return this.tables.get(name)!.columns;
  }

  /**
   * Adds the columns the table lacks; a name that exists with another type is an error. Only the
   * view changes: no part gets the column until a batch fills it.
   */
  async addColumns(name: string, columns: ColumnDef[]): Promise<void> {
    await this.write(async () => {
      const state = this.tables.get(name);
      if (!state) throw new Error(`table ${name} does not exist`);
      const added: ColumnDef[] = [];
      for (const column of columns) {
        const found = state.columns.find((c) => c.name === column.name) ?? added.find((c) => c.name === column.name);
        if (found) {
          if (found.type !== column.type) {
            throw new Error(`column ${name}.${column.name} exists as ${found.type}, not ${column.type}`);
          }
          continue;
        }
        added.push({ ...column });
      }
      if (added.length === 0) return;
      const evolved = [...state.columns, ...added];
      await this.transaction([viewSql(name, evolved, state.parts)]);
      state.columns.push(...added);
    });
  }

  /**
   * Appends rows (column name → JS value; missing columns are null) in one appender batch: all rows
   * land or none do. Datetimes accept Date, ISO strings or epoch ms; guids dashed or not.
   */
  async insertRows(name: string, rows: readonly StoredRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const columns = this.tables.get(name)?.columns;
    if (!columns) throw new Error(`table ${name} does not exist`);
    return this.insertBatch(name, rowsToColumnBatch(name, columns, rows));
  }

  /**
   * Appends a column batch (same rules as insertRows); resolves with its row count once the rows are
   * stored. Its columns must exist when its turn on the write lane comes.
   *
   * Small batches of one table appended back to back share one flush (a group commit): the flush
   * runs after the event loop has taken in the other requests already waiting, so four 10-record
   * posts pay DuckDB's per-commit cost (~1 ms) once instead of four times. A batch is never
   * acknowledged before the flush that stores it.
   */
  insertBatch(name: string, batch: ColumnBatch): Promise<number> {
    if (batch.rowCount === 0) return Promise.resolve(0);
    return new Promise<number>((resolve, reject) => {
      this.onWriteLane(async () => {
        const state = this.tables.get(name);
        if (!state) throw new Error(`table ${name} does not exist`);
        const position = new Map(batch.names.map((column, i) => [column, i]));
        if (position.size !== batch.names.length) throw new Error(`batch for table ${name} names a column twice`);
        for (const column of batch.names) {
          if (!state.columns.some((c) => c.name === column)) throw new Error(`table ${name} has no column ${column}`);
        }
        // The columns the batch fills (a value that is not null in some row) choose its part.
        const present = state.columns.filter((c) => {
          const i = position.get(c.name);
          return i !== undefined && batch.values[i]!.some((v) => v !== null && v !== undefined);
        });
        const part = fittingPart(state.parts, present.map((c) => c.name)) ?? (await this.addPart(name, state, present));
        const values = part.columns.map((c) => {
          const i = position.get(c.name);
          return i === undefined ? undefined : batch.values[i];
        });
        // A large batch flushes alone: appended as data chunks it would otherwise land before the
        // small (row-by-row) batches queued ahead of it, which DuckDB moves over only at the flush.
        const large = batch.rowCount >= WorkspaceStore.groupFlushBelowRows;
        if (this.pending && (this.pending.part !== part.name || large)) await this.flushPending();
        const stamp = this.ingestionStamp();
        const item: PendingAppend = { part, values, rowCount: batch.rowCount, stamp, firstSeq: state.nextSeq, resolve, reject };
        state.nextSeq += batch.rowCount;
        try {
          await this.appendColumns(item);
        } catch (err) {
          // The appender was cleared: the rows of the batches waiting with this one went too.
          const waiting = this.pending?.items ?? [];
          this.pending = undefined;
          await this.storeAlone(waiting);
          throw err;
        }
        (this.pending ??= { part: part.name, items: [] }).items.push(item);
        // A large batch's flush cost is per row, so waiting buys nothing and keeps more requests' rows
        // in memory (RSS after 1 M rows: 350-381 MB waiting, ~305 MB not).
        if (large) await this.flushPending();
        else this.scheduleFlush();
      }).catch(reject);
    });
  }

  /**
   * A new part holding `columns` (in the table's order), after merging the table's two cheapest parts
   * when it already has the most it may. On the write lane; what is appended is flushed first.
   */
  private async addPart(table: string, state: TableState, columns: readonly ColumnDef[]): Promise<TablePart> {
    await this.flushPending();
    if (state.parts.length >= WorkspaceStore.maxPartsPerTable) await this.mergeParts(table, state);
    const part = newPart(partName(table, state.nextPart), columns.map((c) => ({ ...c })));
    const parts = [...state.parts, part];
    await this.transaction([createPartSql(part.name, part.columns), viewSql(table, state.columns, parts)]);
    state.nextPart++;
    state.parts = parts;
    return part;
  }

  /**
   * Merges the two parts whose rows need the fewest null cells in a part with both's columns. Only a
   * table that received many differently shaped batches gets here; the merged cells are compressed at
   * the next checkpoint.
   */
  private async mergeParts(table: string, state: TableState): Promise<void> {
    const [a, b] = cheapestMerge(state.parts);
    const merged = newPart(
      partName(table, state.nextPart),
      state.columns.filter((c) => a.names.has(c.name) || b.names.has(c.name)),
      a.rows + b.rows,
    );
    const parts = [...state.parts.filter((p) => p !== a && p !== b), merged];
    this.dropAppender(a.name);
    this.dropAppender(b.name);
    await this.transaction([
      createPartSql(merged.name, merged.columns),
      copyPartSql(a, merged.name),
      copyPartSql(b, merged.name),
      viewSql(table, state.columns, parts),
      `DROP TABLE ${PARTS_SCHEMA}.${quoteIdent(a.name)}`,
      `DROP TABLE ${PARTS_SCHEMA}.${quoteIdent(b.name)}`,
    ]);
    state.nextPart++;
    state.parts = parts;
    await this.countTowardsCheckpoint(merged.rows);
  }

  /** A new batch's ingestion time: the clock, but always after the latest cut. */
  private ingestionStamp(): Date {
    this.lastStamp = Math.max(this.now().getTime(), this.lastCut + 1);
    return new Date(this.lastStamp);
  }

  /**
   * An ingestion-time cut: resolves, once every batch already appended is stored, with an instant such
   * that every row stored so far has an ingestion time at or before it and every later row one after it.
   * Rows ingested in (previous cut, this cut] are then exactly the rows stored between the two calls.
   */
  ingestionCut(): Promise<Date> {
    return this.write(async () => {
      this.lastCut = Math.max(this.now().getTime(), this.lastCut, this.lastStamp);
      return new Date(this.lastCut);
    });
  }

  /**
   * A read connection of its own, for a reader whose queries must not interleave with the shared
   * `connection`'s (one DuckDB connection answering two queries at once loses rows: analytic rule runs
   * read through their own). Closed with the store.
   */
  async openReader(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('workspace store is closed');
    const reader = await this.instance.connect();
    if (this.path === ':memory:') await reader.run('USE workspace');
    this.readers.push(reader);
    return reader;
  }

  /** Whether `name` has the hidden ingestion-time column (every table has; rows migrated from an older database file hold null). */
  hasIngestionTime(name: string): boolean {
    return this.tables.has(name);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.onWriteLane(() => this.flushPending()).catch(() => undefined); // settles each batch itself
    });
  }

  /** Flushes the appended batches (one commit) and settles them; a failed flush stores each batch alone. */
  private async flushPending(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    try {
      this.appenders.get(pending.part)!.flushSync();
    } catch {
      this.dropAppender(pending.part);
      await this.storeAlone(pending.items);
      return;
    }
    await this.stored(pending.items);
  }

  /** One batch, one flush each: how one batch's failure is kept from failing the batches grouped with it. */
  private async storeAlone(items: readonly PendingAppend[]): Promise<void> {
    for (const item of items) {
      try {
        await this.appendColumns(item);
        this.appenders.get(item.part.name)!.flushSync();
      } catch (err) {
        this.dropAppender(item.part.name);
        item.reject(err as Error);
        continue;
      }
      await this.stored([item]);
    }
  }

  /** After one flush stored `items`: counts it, acknowledges each, and checkpoints when due. */
  private async stored(items: readonly PendingAppend[]): Promise<void> {
    this.writeStats.flushes++;
    this.writeStats.batches += items.length;
    for (const item of items) {
      item.part.rows += item.rowCount;
      item.resolve(item.rowCount);
    }
    await this.countTowardsCheckpoint(items.reduce((sum, item) => sum + item.rowCount, 0));
  }

  /**
   * Best effort, after the rows are stored and acknowledged: a failed checkpoint costs compression,
   * never a request (it must not leave batches unsettled or fail the next write).
   */
  private async countTowardsCheckpoint(rows: number): Promise<void> {
    this.rowsSinceCheckpoint += rows;
    if (this.path === ':memory:' && this.rowsSinceCheckpoint >= WorkspaceStore.checkpointEveryRows) {
      this.rowsSinceCheckpoint = 0;
      for (const table of [...this.appenders.keys()]) this.dropAppender(table);
      await this.writer.run('CHECKPOINT').catch(() => this.writeStats.checkpointFailures++);
    }
  }

  /**
   * Appends one batch (`values[i]` holds column i's values, one per row) without flushing it: every
   * value converted in JS (null when it does not fit its column). Large batches go column-wise,
   * one data chunk per ≤ 2048 rows; small ones row by row, since a chunk's fixed cost (a few native
   * calls per column) outweighs its per-value saving below about 40 rows (store micro-benchmark:
   * 10-row batches 15 % slower as chunks, 728-row batches 15–30 % faster).
   */
  private async appendColumns(item: PendingAppend): Promise<void> {
    const { part, rowCount, stamp, firstSeq } = item;
    const name = part.name;
    // The hidden columns come first in a part, so first in what is appended.
    const columns: readonly ColumnDef[] = [
      { name: INGESTION_TIME_COLUMN, type: 'datetime' },
      { name: SEQUENCE_COLUMN, type: 'long' },
      ...part.columns,
    ];
    const values = [new Array<Date>(rowCount).fill(stamp), Array.from({ length: rowCount }, (_, r) => firstSeq + r), ...item.values];
    let appender = this.appenders.get(name);
    if (!appender) {
      appender = await this.writer.createAppender(name, PARTS_SCHEMA);
      this.appenders.set(name, appender);
    }
    try {
      if (rowCount < WorkspaceStore.chunkedFromRows) {
        const writers = columns.map((c) => columnWriter(c.type));
        const width = columns.length;
        for (let r = 0; r < rowCount; r++) {
          for (let i = 0; i < width; i++) writers[i]!(appender, values[i]?.[r]);
          appender.endRow();
        }
      } else {
        let chunk = this.appenderChunks.get(name);
        if (!chunk) {
          chunk = createChunk(columns.map((_, i) => appender!.columnType(i)));
          this.appenderChunks.set(name, chunk);
        }
        const converters = columns.map((c) => chunkValueConverter(c.type));
        const varchar = columns.map((c) => isVarcharColumn(c.type));
        for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
          const count = Math.min(CHUNK_ROWS, rowCount - start);
          appender.appendDataChunk(fillChunk(chunk, values, converters, varchar, start, count));
        }
      }
    } catch (err) {
      this.dropAppender(name);
      throw err;
    }
  }

  /**
   * Appenders are kept per part between batches; a merge, a drop or a failed append needs a fresh one. Every caller has flushed what should be stored, so whatever is left unflushed (a failed
   * batch) is discarded, never written by the close.
   */
  private dropAppender(name: string): void {
    const appender = this.appenders.get(name);
    if (!appender) return;
    this.appenders.delete(name);
    this.appenderChunks.delete(name);
    try {
      appender.clear();
      appender.closeSync();
    } catch {
      // already unusable: nothing left to release
    }
  }

  /**
   * Retention: deletes every row ingested before `cutoff` from every table, then checkpoints so the
   * memory the rows held is given back (an in-memory database frees deleted rows only at a
   * checkpoint). Tables and columns stay. Returns the rows deleted.
   */
  purgeIngestedBefore(cutoff: Date): Promise<number> {
    return this.write(async () => {
      let deleted = 0;
      const at = cutoff.toISOString();
      for (const state of this.tables.values()) {
        for (const part of state.parts) {
          const result = await this.writer.run(`DELETE FROM ${PARTS_SCHEMA}.${quoteIdent(part.name)} WHERE ${quoteIdent(INGESTION_TIME_COLUMN)} < '${at}'::TIMESTAMPTZ`);
          const n = Number(result.rowsChanged);
          part.rows -= n;
          deleted += n;
        }
      }
      if (deleted > 0) await this.writer.run('CHECKPOINT').catch(() => this.writeStats.checkpointFailures++);
      return deleted;
    });
  }

  async rowCount(name: string): Promise<number> {
    if (!this.tables.has(name)) return 0;
    const reader = await this.connection.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(name)}`);
    return Number(reader.getRowsJS()[0]![0]);
  }

  async listTables(): Promise<TableInfo[]> {
    const tables: TableInfo[] = [];
    for (const name of this.tableNames()) {
      tables.push({ name, rowCount: await this.rowCount(name), columns: this.tables.get(name)!.columns.map((c) => ({ ...c })) });
    }
    return tables;
  }

  /** Rows in insertion order as admin JSON objects (datetimes ISO-8601 with ms, guids dashed). */
  async rows(name: string, limit = 100, offset = 0): Promise<StoredRow[]> {
    const columns = this.tables.get(name)?.columns;
    if (!columns) throw new Error(`table ${name} does not exist`);
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    const reader = await this.connection.runAndReadAll(
      `SELECT ${list} FROM ${quoteIdent(name)} ORDER BY ${quoteIdent(ROW_ORDER_COLUMN)} LIMIT $limit OFFSET $offset`,
      { limit: Math.max(0, Math.trunc(limit)), offset: Math.max(0, Math.trunc(offset)) },
    );
    return reader.getRows().map((values) => {
      const row: StoredRow = {};
      columns.forEach((c, i) => {
        row[c.name] = renderValue(c.type, values[i]!);
      });
      return row;
    });
  }

  /** Runs read-only SQL on the read connection; column types are mapped back to Log Analytics types where they have one. */
  async runSql(sql: string): Promise<SqlResult> {
    const reader = await this.connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const types: LaType[] = reader.columnTypes().map((t) => {
      try {
        return laTypeFromCatalog(t.alias ?? t.toString());
      } catch {
        return 'dynamic';
      }
    });
    const rows = reader.getRows().map((values) => values.map((v, i) => renderValue(types[i]!, v)));
    return { columns: names.map((name, i) => ({ name, type: types[i]! })), rows };
  }

  /** Drops every table: an empty workspace. */
  async clear(): Promise<void> {
    await this.write(async () => {
      for (const [name, state] of [...this.tables]) {
        for (const part of state.parts) this.dropAppender(part.name);
        await this.transaction([
          `DROP VIEW IF EXISTS main.${quoteIdent(name)}`,
          ...state.parts.map((p) => `DROP TABLE IF EXISTS ${PARTS_SCHEMA}.${quoteIdent(p.name)}`),
        ]);
        this.tables.delete(name);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.write(async () => {
      for (const name of [...this.appenders.keys()]) this.dropAppender(name);
      if (this.path !== ':memory:') await this.writer.run('CHECKPOINT');
    });
    this.closed = true;
    for (const reader of this.readers.splice(0)) reader.closeSync();
    this.connection.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}
