// What global-setup.ts hands the test files through vitest's provide/inject.
declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export {};
