/** omniquant/data: bundled datasets, DuckDB access and price loading into Arquero tables. */
export { datasetPath, datasetsDir, listDatasets, type DatasetInfo } from "./datasets.js";
export {
  connect,
  type Database,
  type QueryColumns,
  type QueryParam,
  type QueryParams,
  type QueryTableOptions,
  type Row,
} from "./duckdb.js";
export { loadPrices, type LoadPricesOptions } from "./load-prices.js";
