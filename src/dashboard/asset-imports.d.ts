// Imports that the build (scripts/dashboard-assets.ts, in tsup.config.ts)
// turns into strings: `?script` is a browser script bundled into one IIFE,
// `?text` a file's text as it is.
declare module '*?script' {
  const code: string;
  export default code;
}
declare module '*?text' {
  const text: string;
  export default text;
}
