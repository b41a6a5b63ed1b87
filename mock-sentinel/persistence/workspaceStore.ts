// The workspace store: one DuckDB table per Log Analytics table (docs/decisions/0001). In memory by
// default, a file when a path is given, so rows and schema survive a restart.
//
// Writes (DDL and appends) go through one connection, one at a time; reads use a second connection,
// so a long query never blocks ingestion.
//
// Every table created here starts with a hidden column, INGESTION_TIME_COLUMN: when the row was
// stored, on the store's clock, as Log Analytics keeps for `ingestion_time()`. It is not one of the
// table's columns anywhere the store shows them (columns(), listTables(), rows()); the query engine
// reads it only when asked to (NRT analytic rules: rows ingested since the last run). Callers that derive new columns from the current schema
// (typing, schema evolution) hold `withTableLock(table, …)` across the read and the writes.
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import {
  duckdbTypeOf,
  laTypeFromCatalog,
  quoteIdent,
  type ColumnDef,
  type LaType,
} from './columnTypes.ts';
import { KeyedSerialQueue } from './serialQueue.ts';
import { CHUNK_ROWS, chunkValueConverter, createChunk, fillChunk, isVarcharColumn } from './chunkColumns.ts';
import { rowsToColumnBatch, type ColumnBatch } from './columnBatch.ts';
import { columnWriter, renderValue } from './valueConversion.ts';

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

/** The hidden per-row ingestion time (TIMESTAMPTZ), the first column of every table the store creates. */
export const INGESTION_TIME_COLUMN = '__IngestionTime';

export interface StoreOptions {
  /** The store's clock, for rows' ingestion times (default: real time). */
  now?: () => Date;
  /** DuckDB's `memory_limit` (e.g. '2GB'); default DuckDB's own, 80 % of RAM. */
  memoryLimit?: string;
}

/** A batch appended but not yet flushed, kept so that it can be stored alone if its group's flush fails. */
interface PendingAppend {
  columns: readonly ColumnDef[];
  values: readonly (readonly unknown[] | undefined)[];
  rowCount: number;
  /** Ingestion time of every row of the batch (undefined for a table without the hidden column). */
  stamp: Date | undefined;
  resolve: (rows: number) => void;
  reject: (err: Error) => void;
}

const WRITE_LANE = '\u0000write';

export class WorkspaceStore {
  private readonly schemas = new Map<string, ColumnDef[]>();
  private readonly queue = new KeyedSerialQueue();
  private closed = false;
  private rowsSinceCheckpoint = 0;
  /** Batches appended to one table's appender since its last flush. */
  private pending: { table: string; items: PendingAppend[] } | undefined;
  private flushScheduled = false;
  /** Flushes run and batches stored: batches / flushes is how many requests shared a commit. */
  readonly writeStats = { flushes: 0, batches: 0, checkpointFailures: 0 };
  private readonly appenders = new Map<string, DuckDBAppender>();
  /** Each kept appender's data chunk, created once from its column types. */
  private readonly appenderChunks = new Map<string, DuckDBDataChunk>();
  /** Tables whose first column is INGESTION_TIME_COLUMN (all but tables of a file written before it existed). */
  private readonly stamped = new Set<string>();
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
    const reader = await this.writer.runAndReadAll(
      `SELECT table_name, column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
       ORDER BY table_name, column_index`,
    );
    this.schemas.clear();
    this.stamped.clear();
    for (const [table, column, dataType] of reader.getRowsJS() as [string, string, string][]) {
      const columns = this.schemas.get(table) ?? [];
      if (column === INGESTION_TIME_COLUMN) {
        if (columns.length === 0) this.stamped.add(table);
        continue;
      }
      columns.push({ name: column, type: laTypeFromCatalog(dataType) });
      this.schemas.set(table, columns);
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
    return this.schemas.has(name);
  }

  /** The table's columns in creation order, or undefined when the table does not exist. */
  columns(name: string): readonly ColumnDef[] | undefined {
    return this.schemas.get(name);
  }

  tableNames(): string[] {
    return [...this.schemas.keys()].sort();
  }

  /** Creates the table with `columns` if missing, then adds any of `columns` it lacks. */
  async ensureTable(name: string, columns: ColumnDef[]): Promise<readonly ColumnDef[]> {
    if (!this.schemas.has(name)) {
      await this.write(async () => {
        if (this.schemas.has(name)) return;
        if (columns.length === 0) throw new Error(`table ${name} needs at least one column`);
        const defs = columns.map((c) => `${quoteIdent(c.name)} ${duckdbTypeOf(c.type)}`).join(', ');
        await this.writer.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(name)} (${quoteIdent(INGESTION_TIME_COLUMN)} TIMESTAMPTZ, ${defs})`);
        this.schemas.set(name, columns.map((c) => ({ ...c })));
        this.stamped.add(name);
      });
    }
    await this.addColumns(name, columns);
    return this.schemas.get(name)!;
  }

  /** Adds the columns the table lacks; a name that exists with another type is an error. */
  async addColumns(name: string, columns: ColumnDef[]): Promise<void> {
    await this.write(async () => {
      const existing = this.schemas.get(name);
      if (!existing) throw new Error(`table ${name} does not exist`);
      for (const column of columns) {
        const found = existing.find((c) => c.name === column.name);
        if (found) {
          if (found.type !== column.type) {
            throw new Error(`column ${name}.${column.name} exists as ${found.type}, not ${column.type}`);
          }
          continue;
        }
        this.dropAppender(name);
        await this.writer.run(
          `ALTER TABLE ${quoteIdent(name)} ADD COLUMN ${quoteIdent(column.name)} ${duckdbTypeOf(column.type)}`,
        );
        existing.push({ ...column });
      }
    });
  }

  /**
   * Appends rows (column name → JS value; missing columns are null) in one appender batch: all rows
   * land or none do. Datetimes accept Date, ISO strings or epoch ms; guids dashed or not.
   */
  async insertRows(name: string, rows: readonly StoredRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const columns = this.schemas.get(name);
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
        const columns = this.schemas.get(name);
        if (!columns) throw new Error(`table ${name} does not exist`);
        const position = new Map(batch.names.map((column, i) => [column, i]));
        if (position.size !== batch.names.length) throw new Error(`batch for table ${name} names a column twice`);
        for (const column of batch.names) {
          if (!columns.some((c) => c.name === column)) throw new Error(`table ${name} has no column ${column}`);
        }
        const values = columns.map((c) => {
          const i = position.get(c.name);
          return i === undefined ? undefined : batch.values[i];
        });
        // A large batch flushes alone: appended as data chunks it would otherwise land before the
        // small (row-by-row) batches queued ahead of it, which DuckDB moves over only at the flush.
        const large = batch.rowCount >= WorkspaceStore.groupFlushBelowRows;
        if (this.pending && (this.pending.table !== name || large)) await this.flushPending();
        const stamp = this.stamped.has(name) ? this.ingestionStamp() : undefined;
        const item: PendingAppend = { columns, values, rowCount: batch.rowCount, stamp, resolve, reject };
        try {
          await this.appendColumns(name, columns, values, batch.rowCount, stamp);
        } catch (err) {
          // The appender was cleared: the rows of the batches waiting with this one went too.
          const waiting = this.pending?.items ?? [];
          this.pending = undefined;
          await this.storeAlone(name, waiting);
          throw err;
        }
        (this.pending ??= { table: name, items: [] }).items.push(item);
        // A large batch's flush cost is per row, so waiting buys nothing and keeps more requests' rows
        // in memory (RSS after 1 M rows: 350-381 MB waiting, ~305 MB not).
        if (large) await this.flushPending();
        else this.scheduleFlush();
      }).catch(reject);
    });
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

  /** Whether `name` has the hidden ingestion-time column (tables of older database files do not). */
  hasIngestionTime(name: string): boolean {
    return this.stamped.has(name);
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
      this.appenders.get(pending.table)!.flushSync();
    } catch {
      this.dropAppender(pending.table);
      await this.storeAlone(pending.table, pending.items);
      return;
    }
    await this.stored(pending.items);
  }

  /** One batch, one flush each: how one batch's failure is kept from failing the batches grouped with it. */
  private async storeAlone(table: string, items: readonly PendingAppend[]): Promise<void> {
    for (const item of items) {
      try {
        await this.appendColumns(table, item.columns, item.values, item.rowCount, item.stamp);
        this.appenders.get(table)!.flushSync();
      } catch (err) {
        this.dropAppender(table);
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
    for (const item of items) item.resolve(item.rowCount);
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
  private async appendColumns(
    name: string,
    visibleColumns: readonly ColumnDef[],
    visibleValues: readonly (readonly unknown[] | undefined)[],
    rowCount: number,
    stamp: Date | undefined,
  ): Promise<void> {
    // The hidden ingestion-time column comes first in the table, so first in what is appended.
    const columns: readonly ColumnDef[] = stamp ? [{ name: INGESTION_TIME_COLUMN, type: 'datetime' }, ...visibleColumns] : visibleColumns;
    const values = stamp ? [new Array<Date>(rowCount).fill(stamp), ...visibleValues] : visibleValues;
    let appender = this.appenders.get(name);
    if (!appender) {
      appender = await this.writer.createAppender(name);
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
   * Appenders are kept per table between batches; a schema change, a drop or a failed append needs a
   * fresh one. Every caller has flushed what should be stored, so whatever is left unflushed (a failed
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

  async rowCount(name: string): Promise<number> {
    if (!this.schemas.has(name)) return 0;
    const reader = await this.connection.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(name)}`);
    return Number(reader.getRowsJS()[0]![0]);
  }

  async listTables(): Promise<TableInfo[]> {
    const tables: TableInfo[] = [];
    for (const name of this.tableNames()) {
      tables.push({ name, rowCount: await this.rowCount(name), columns: this.schemas.get(name)!.map((c) => ({ ...c })) });
    }
    return tables;
  }

  /** Rows in insertion order as admin JSON objects (datetimes ISO-8601 with ms, guids dashed). */
  async rows(name: string, limit = 100, offset = 0): Promise<StoredRow[]> {
    const columns = this.schemas.get(name);
    if (!columns) throw new Error(`table ${name} does not exist`);
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    const reader = await this.connection.runAndReadAll(
      `SELECT ${list} FROM ${quoteIdent(name)} ORDER BY rowid LIMIT $limit OFFSET $offset`,
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
      for (const name of [...this.schemas.keys()]) {
        this.dropAppender(name);
        await this.writer.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
        this.schemas.delete(name);
        this.stamped.delete(name);
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
