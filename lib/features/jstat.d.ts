// The part of jStat (CommonJS, no bundled types) that lib/features uses.
declare module "jstat" {
  interface Distribution1 {
    cdf(x: number, a: number, b: number): number;
  }
  const jStat: {
    normal: Distribution1;
    centralF: Distribution1;
  };
  export default jStat;
}
