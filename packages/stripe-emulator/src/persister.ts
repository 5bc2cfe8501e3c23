// Debounced, serialized saves of the store to the data file.
import { loadStoreFile, saveStoreFile } from "./persistence.ts";
import type { Store } from "./store.ts";

export class Persister {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly file: string,
    private readonly debounceMs = 25,
  ) {}

  load(): Promise<boolean> {
    return loadStoreFile(this.store, this.file);
  }

  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueueWrite();
    }, this.debounceMs);
  }

  private enqueueWrite(): void {
    // Writes are chained so two renames never race.
    this.writing = this.writing.then(() => saveStoreFile(this.store, this.file)).catch((error: unknown) => {
      console.error("[stripe-emulator] could not save data file:", error instanceof Error ? error.message : error);
    });
  }

  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.enqueueWrite();
    await this.writing;
  }
}
