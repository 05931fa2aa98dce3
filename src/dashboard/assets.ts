import script from './client/main.ts?script';
import style from './client/style.css?text';

/** The page's script and stylesheet, built into the CLI bundle as strings. */
export const PAGE_ASSETS = { script, style };
