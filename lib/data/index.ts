/**
 * omniquant/data: bundled datasets, DuckDB access, loading CSV/Parquet and prices into Arquero tables, the local
 * Parquet catalog, and interop between Arquero tables, DuckDB, records and danfojs DataFrames.
 */
export { datasetPath, datasetsDir, listDatasets, type DatasetInfo } from "./datasets.js";
export {
  connect,
  type ConnectOptions,
  type Database,
  type ExecOptions,
  type QueryColumns,
  type QueryParam,
  type QueryParams,
  type QueryTableOptions,
  type Row,
} from "./duckdb.js";
export { loadPrices, type LoadPricesOptions } from "./load-prices.js";
export { loadTable, type FileFormat, type ReadFileOptions } from "./read-file.js";
export {
  datasetNameFor,
  defaultCatalogDir,
  openCatalog,
  type Catalog,
  type CatalogEntry,
  type CatalogOptions,
  type ImportOptions,
  type ImportProgress,
} from "./catalog.js";
export { columnsOf, fromColumns, fromRecords, isArqueroTable, toRecords, type ColumnObject, type Columns, type Tabular } from "./records.js";
export { inferType, type WriteTableOptions } from "./write-table.js";
export { fromDanfo, loadDanfo, toDanfo, type DanfoDataFrame } from "./danfo.js";
export * as market from "./market/index.js";
