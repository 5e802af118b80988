/** Types of scripts/build-web.mjs, for the tests that build the web app. */
export declare const webDist: string;
export declare function sourceHash(): string;
export declare function buildWeb(options?: { force?: boolean; quiet?: boolean }): Promise<boolean>;
